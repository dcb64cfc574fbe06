// A rest source's definition and parameters are checked as strictly as the rest of the
// file: every kind of mistake names the file, the line and the key, with "did you mean"
// where a word is close to a known one; a definition in a file of its own is located in
// that file.

#include "config/rest_definition_parser.hpp"

#include "config_fixture.hpp"

namespace rosterd::config::testing {
namespace {

const std::vector<SourceTypeSchema> k_rest_types = [] {
  auto types = k_types;
  SourceTypeSchema rest;
  rest.type = "rest";
  rest.datasets = {"users"};
  rest.default_datasets = {"users"};
  rest.declarative = true;
  types.push_back(rest);
  return types;
}();

// A valid definition (a login, cursor paging, every kind of column); its lines start at 1.
const std::string k_definition = R"(parameters:
  email: {}
  password: {secret: true}
  page_size: {default: "50"}
auth:
  type: login
  request: {method: POST, path: /login, json: {email: "{{email}}", password: "{{ password }}"}}
  token: /access_token
  expires_in: /expires_in
request:
  path: /users
  query: {limit: "{{page_size}}"}
paging: {type: cursor, param: after, next: /next, has_more: /more}
success: {status: [200], pointer: /ok, equals: "true", message: /error/message}
records: /data
id: /id
total: /total
columns:
  username: /login
  full_name: {first: [/name, {join: [/first, /last], keep: true}]}
  email: {first: ["/emails[primary=true]/value", /emails/0/value]}
  active: {pointer: /status, map: {"1": true, "0": false}, otherwise: false}
volatile_fields: [presence]
)";

class RestDefinitionTest : public ConfigTest {
 protected:
  Config parse_rest(const std::string& yaml) { return parse_config(yaml, config_path(), k_rest_types, m_env); }
  std::string rest_error(const std::string& yaml) {
    try {
      (void)parse_rest(yaml);
    } catch (const ConfigError& error) {
      return error.what();
    }
    return "<no error>";
  }
  // A config whose one source uses definition file `name`, with these parameter lines.
  static std::string source(const std::string& name, const std::string& parameters = "email: a@b.example, password: pw") {
    return "database: db\nsources:\n  - name: api\n    type: rest\n    url: https://api.example\n    definition: " + name +
           "\n    parameters: {" + parameters + "}\n";
  }
  // `k_definition` with line `line` (1-based) replaced by `text` ("" removes it).
  static std::string definition_with(int line, const std::string& text) {
    std::string out;
    std::size_t start = 0;
    for (int number = 1; start < k_definition.size(); ++number) {
      const auto end = k_definition.find('\n', start);
      if (number == line) {
        if (!text.empty()) out += text + "\n";
      } else {
        out += k_definition.substr(start, end - start + 1);
      }
      start = end + 1;
    }
    return out;
  }
  // The error of the definition `text` written to def.yaml.
  std::string definition_error(const std::string& text) {
    write("def.yaml", text);
    return rest_error(source("def.yaml"));
  }
  [[nodiscard]] std::string in_definition(int line, const std::string& rest) const {
    return path("def.yaml") + ":" + std::to_string(line) + ": " + rest;
  }
};

TEST_F(RestDefinitionTest, AValidDefinitionIsReadWithItsParametersAndDefaults) {
  write("def.yaml", k_definition);
  const auto config = parse_rest(source("def.yaml"));
  ASSERT_EQ(config.sources.size(), 1u);
  const auto& api = config.sources[0];
  ASSERT_NE(api.definition, nullptr);
  const auto& d = *api.definition;
  EXPECT_EQ(d.file, path("def.yaml"));
  EXPECT_EQ(d.auth.kind, AuthKind::login);
  EXPECT_EQ(d.auth.login.method, "POST");
  EXPECT_EQ(d.paging.kind, PagingKind::cursor);
  EXPECT_EQ(d.records.text, "/data");
  ASSERT_EQ(d.columns.email->first.size(), 2u);
  const auto& primary = d.columns.email->first[0].pointers[0].steps[0];
  EXPECT_EQ(primary.token, "emails");
  EXPECT_EQ(primary.match_key, "primary");
  EXPECT_EQ(primary.match_value, "true");
  EXPECT_FALSE(d.columns.full_name->first[1].consume) << "keep: true";
  EXPECT_TRUE(d.columns.full_name->first[1].joined);
  EXPECT_EQ(api.setting("page_size")->value, "50") << "the default";
  EXPECT_TRUE(api.setting("password")->secret);
  EXPECT_FALSE(api.setting("email")->secret);
  EXPECT_EQ(api.volatile_fields, std::vector<std::string>{"presence"});
  EXPECT_FALSE(d.fingerprint.empty());
}

TEST_F(RestDefinitionTest, AnInlineDefinitionIsLocatedInTheConfiguration) {
  std::string inline_definition;
  for (std::size_t start = 0; start < k_definition.size();) {
    const auto end = k_definition.find('\n', start);
    inline_definition += "      " + k_definition.substr(start, end - start + 1);
    start = end + 1;
  }
  const std::string head = "database: db\nsources:\n  - name: api\n    type: rest\n    url: https://api.example\n"
                           "    parameters: {email: a@b.example, password: pw}\n    definition:\n";
  EXPECT_NO_THROW((void)parse_rest(head + inline_definition));
  const auto broken = head + inline_definition + "      pagin: {}\n";
  EXPECT_EQ(rest_error(broken), at(31, "sources[0].definition.pagin: unknown key (did you mean \"paging\"?)"));
}

TEST_F(RestDefinitionTest, EachKindOfMistakeNamesTheLineAndTheKey) {
  EXPECT_EQ(definition_error(definition_with(13, "pagng: {type: none}")),
            in_definition(13, "pagng: unknown key (did you mean \"paging\"?)"));
  EXPECT_EQ(definition_error(definition_with(15, "records: data")),
            in_definition(15, "records: \"data\" is not a JSON pointer: it starts with '/' (or is empty, for the whole value)"));
  EXPECT_EQ(definition_error(definition_with(21, "  email: {first: [\"/emails[primary]/value\"]}")),
            in_definition(21, "columns.email.first[0]: \"/emails[primary]/value\" is not a JSON pointer: \"emails[primary]\": "
                              "a filter is [key=value]"));
  EXPECT_EQ(definition_error(definition_with(16, "id: /a~2b")),
            in_definition(16, "id: \"/a~2b\" is not a JSON pointer: \"a~2b\": '~' is written ~0, and '/' in a name ~1"));
  EXPECT_EQ(definition_error(definition_with(13, "paging: {type: cursor, param: after}")),
            in_definition(13, "paging: paging type cursor takes next (the next cursor in the answer) or next_from_record "
                              "(a field of the page's last record), one of them"));
  EXPECT_EQ(definition_error(definition_with(13, "paging: {type: page}")),
            in_definition(13, "paging.param: is required for paging type page"));
  EXPECT_EQ(definition_error(definition_with(13, "paging: {type: offset, param: start}")),
            in_definition(13, "paging.size_param: is required for paging type offset"));
  EXPECT_EQ(definition_error(definition_with(13, "paging: {type: pages, param: p}")),
            in_definition(13, "paging.type: \"pages\" is not one of none, page, offset, cursor, link (did you mean \"page\"?)"));
  EXPECT_EQ(definition_error(definition_with(12, "  query: {limit: \"{{pagesize}}\"}")),
            in_definition(12, "request.query.limit: \"{{pagesize}}\": {{pagesize}} is not a parameter of the definition "
                              "(did you mean \"page_size\"?) (it declares: email, password, page_size)"));
  EXPECT_EQ(definition_error(definition_with(12, "  query: {limit: \"{{page_size\"}")),
            in_definition(12, "request.query.limit: \"{{page_size\": {{ without }}"));
  EXPECT_EQ(definition_error(definition_with(6, "  type: tokn")),
            in_definition(6, "auth.type: \"tokn\" is not one of none, bearer, header, query, basic, form, signature, login"));
  EXPECT_EQ(definition_error(definition_with(8, "")), in_definition(5, "auth.token: is required for auth type login"));
  EXPECT_EQ(definition_error(definition_with(22, "  active: {pointer: /status, map: {\"1\": yes}}")),
            in_definition(22, "columns.active.map.1: \"yes\" is not true, false or null (active is a flag)"));
  EXPECT_EQ(definition_error(definition_with(19, "  usrname: /login")),
            in_definition(19, "columns.usrname: unknown key (did you mean \"username\"?)"));
  EXPECT_EQ(definition_error(definition_with(11, "  path: /users?key=${env:KEY}")),
            in_definition(11, "request.path: a definition takes no ${...}; declare a parameter and write {{name}} (its "
                              "value, with ${credential:...} or ${env:...}, goes under the source's `parameters:`)"));
  EXPECT_EQ(definition_error(definition_with(15, "")), in_definition(1, "records: is required (the JSON pointer of each "
                                                                        "page's array of users)"));
  EXPECT_EQ(definition_error("records: /data\nid: /id\ncolumns: {}\nrequest: {path: /u}\nauth: [bearer]\n"),
            in_definition(5, "auth: expected a map of keys, got a list"));
}

TEST_F(RestDefinitionTest, SeveralMistakesAreReportedTogether) {
  write("def.yaml", definition_with(13, "pagng: {}") + "relist: 9\n");
  try {
    (void)parse_rest(source("def.yaml"));
    FAIL() << "no error";
  } catch (const ConfigError& error) {
    ASSERT_EQ(error.problems().size(), 2u) << error.what();
    EXPECT_EQ(error.problems()[0].text(), in_definition(13, "pagng: unknown key (did you mean \"paging\"?)"));
    EXPECT_EQ(error.problems()[1].text(), in_definition(24, "relist: \"9\" is not a whole number from 0 to 3"));
  }
}

TEST_F(RestDefinitionTest, TheSourcesParametersAreCheckedAgainstTheDefinition) {
  write("def.yaml", k_definition);
  EXPECT_EQ(rest_error(source("def.yaml", "email: a@b.example, pasword: pw")),
            at(7, "sources[0].parameters.pasword: is not a parameter of the definition (did you mean \"password\"?) "
                  "(it declares: email, password, page_size)"));
  EXPECT_EQ(rest_error(source("def.yaml", "email: a@b.example")),
            at(7, "sources[0].parameters.password: is required by the definition (" + path("def.yaml") + ")"));
  EXPECT_EQ(rest_error("database: db\nsources:\n  - name: api\n    type: rest\n    url: https://api.example\n"),
            at(3, "sources[0].definition: is required for type rest (a map, or the path of a YAML file holding one)"));
  EXPECT_EQ(rest_error(source("missing.yaml")).rfind(at(6, "sources[0].definition: " + path("missing.yaml") + ": "), 0), 0u)
      << rest_error(source("missing.yaml"));
  EXPECT_EQ(rest_error(source("def.yaml") + "    page_size: 10\n"),
            at(8, "sources[0].page_size: unknown key for type rest (its own keys are: definition, parameters)"));
}

TEST_F(RestDefinitionTest, ASecretParameterIsASecretAndWarnedAboutWhenWrittenInAReadableFile) {
  write("def.yaml", k_definition);
  m_vars["API_PASSWORD"] = "from-the-environment";
  const auto config = parse_rest(source("def.yaml", "email: a@b.example, password: \"${env:API_PASSWORD}\""));
  EXPECT_EQ(config.sources[0].setting("password")->value, "from-the-environment");
  EXPECT_TRUE(config.sources[0].setting("password")->secret);
  const auto secrets = config.secret_values();
  EXPECT_NE(std::find(secrets.begin(), secrets.end(), "from-the-environment"), secrets.end());
}

TEST_F(RestDefinitionTest, JsonPointersFollowRfc6901WithAFilterForArrays) {
  std::string problem;
  const auto whole = parse_json_path("", problem);
  ASSERT_TRUE(whole);
  EXPECT_TRUE(whole->steps.empty());
  const auto escaped = parse_json_path("/a~1b/c~0d/0", problem);
  ASSERT_TRUE(escaped);
  ASSERT_EQ(escaped->steps.size(), 3u);
  EXPECT_EQ(escaped->steps[0].token, "a/b");
  EXPECT_EQ(escaped->steps[1].token, "c~d");
  EXPECT_EQ(escaped->steps[2].token, "0");
  const auto filtered = parse_json_path("/emails[type=work]/value", problem);
  ASSERT_TRUE(filtered);
  EXPECT_EQ(filtered->steps[0].match_key, "type");
  EXPECT_EQ(filtered->steps[0].match_value, "work");
  EXPECT_FALSE(parse_json_path("/x[=1]", problem));
  EXPECT_FALSE(parse_json_path("x", problem));
}

}  // namespace
}  // namespace rosterd::config::testing
