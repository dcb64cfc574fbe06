"""bench/run's parts: measuring processes, driving the simulator, the tools compared,
the side-by-side suite, the scale run, the profile and BENCHMARKS.md rendering."""
