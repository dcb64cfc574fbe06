#pragma once
// Result<T>: a value or a core::Error. A small stand-in for std::expected, which
// clang 14 (used for fuzzing) cannot compile against Debian 12's libstdc++.

#include <cassert>
#include <optional>
#include <utility>
#include <variant>

#include "core/error.hpp"

namespace rosterd::core {

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : m_state(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : m_state(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  [[nodiscard]] bool ok() const noexcept { return m_state.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  [[nodiscard]] T& value() & { assert(ok()); return std::get<0>(m_state); }
  [[nodiscard]] const T& value() const& { assert(ok()); return std::get<0>(m_state); }
  [[nodiscard]] T&& value() && { assert(ok()); return std::get<0>(std::move(m_state)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  [[nodiscard]] const Error& error() const& { assert(!ok()); return std::get<1>(m_state); }
  [[nodiscard]] Error&& error() && { assert(!ok()); return std::get<1>(std::move(m_state)); }

 private:
  std::variant<T, Error> m_state;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : m_error(std::move(error)) {}  // NOLINT: implicit by design

  [[nodiscard]] bool ok() const noexcept { return !m_error.has_value(); }
  explicit operator bool() const noexcept { return ok(); }
  [[nodiscard]] const Error& error() const& { assert(!ok()); return *m_error; }
  [[nodiscard]] Error&& error() && { assert(!ok()); return std::move(*m_error); }

 private:
  std::optional<Error> m_error;
};

using Status = Result<void>;

}  // namespace rosterd::core
