// Filebeat's command line (tail/cli.h): every flag form, every subcommand, the errors; then the
// built binary run the way entrypoints run filebeat.
#include "logship/tail/cli.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sstream>

#include <gtest/gtest.h>

#include "kafka/mock_cluster.h"
#include "logship/tail/output_check.h"
#include "logship/tail/tail_config.h"
#include "run_tail.h"
#include "support/paths.h"
#include "support/ports.h"

namespace logship::tail {
namespace {

using logship::testing::TempDir;
using logship::testing::writeFile;

std::variant<CommandLine, CommandLineError> parse(std::vector<std::string> args) {
  std::vector<const char*> argv{"logship-tail"};
  for (const auto& a : args) argv.push_back(a.c_str());
  return parseCommandLine(static_cast<int>(argv.size()), argv.data());
}

CommandLine ok(std::vector<std::string> args) {
  auto r = parse(args);
  if (auto* e = std::get_if<CommandLineError>(&r)) ADD_FAILURE() << e->message;
  return std::holds_alternative<CommandLine>(r) ? std::get<CommandLine>(r) : CommandLine{};
}

std::string error(std::vector<std::string> args) {
  auto r = parse(args);
  if (!std::holds_alternative<CommandLineError>(r)) {
    ADD_FAILURE() << "parsed without error";
    return {};
  }
  return std::get<CommandLineError>(r).message;
}

TEST(TailCli, DefaultsAreFilebeats) {
  const CommandLine c = ok({});
  EXPECT_EQ(c.command, Command::kRun);
  EXPECT_EQ(c.config_file, "filebeat.yml");
  EXPECT_TRUE(c.strict_perms);
  EXPECT_FALSE(c.once);
  EXPECT_FALSE(c.dry_run);
  EXPECT_FALSE(c.verbose);
  EXPECT_TRUE(c.overrides.empty());
  EXPECT_TRUE(c.debug_selectors.empty());
}

TEST(TailCli, OneAndTwoDashesAndEqualsOrSpaceAreTheSame) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"-c", "x.yml"}, {"--c", "x.yml"}, {"-c=x.yml"}, {"--c=x.yml"}, {"--config", "x.yml"}, {"-config=x.yml"}}) {
    EXPECT_EQ(ok(args).config_file, "x.yml") << args[0];
  }
  for (const auto& flag : {"-path.data", "--path.data"}) {
    EXPECT_EQ(ok({flag, "/d"}).path_data, "/d");
    EXPECT_EQ(ok({std::string(flag) + "=/d"}).path_data, "/d");
  }
  EXPECT_EQ(ok({"-path.home", "/h"}).path_home, "/h");
  EXPECT_EQ(ok({"--path.config=/etc/filebeat"}).path_config, "/etc/filebeat");
  EXPECT_EQ(ok({"-path.logs", "/l"}).path_logs, "/l");
}

TEST(TailCli, BooleansTakeNothingOrGoBoolValues) {
  EXPECT_FALSE(ok({"-strict.perms=false"}).strict_perms);
  EXPECT_FALSE(ok({"--strict.perms=false"}).strict_perms);
  EXPECT_FALSE(ok({"--strict.perms=0"}).strict_perms);
  EXPECT_FALSE(ok({"--strict.perms=F"}).strict_perms);
  EXPECT_TRUE(ok({"-strict.perms=false", "-strict.perms"}).strict_perms);
  EXPECT_TRUE(ok({"--strict.perms=TRUE"}).strict_perms);
  EXPECT_TRUE(ok({"-once"}).once);
  EXPECT_TRUE(ok({"--once=true"}).once);
  EXPECT_FALSE(ok({"--once=false"}).once);
  EXPECT_TRUE(ok({"-e"}).log_to_stderr);
  EXPECT_TRUE(ok({"--e"}).log_to_stderr);
  EXPECT_TRUE(ok({"-v"}).verbose);
  EXPECT_TRUE(ok({"--dry-run"}).dry_run);
  // A boolean never consumes the next argument (Go's flag package): "false" is a word.
  EXPECT_NE(error({"--strict.perms", "false"}).find("unknown command \"false\""), std::string::npos);
  EXPECT_NE(error({"--strict.perms=maybe"}).find("--strict.perms"), std::string::npos);
}

TEST(TailCli, OverridesKeepTheirOrderInEveryForm) {
  const CommandLine c = ok({"-E", "a=1", "-Eb=2", "--E", "c=3", "-E=d=4", "--E=e=5"});
  EXPECT_EQ(c.overrides, (std::vector<std::string>{"a=1", "b=2", "c=3", "d=4", "e=5"}));
  const auto all = effectiveOverrides(ok({"-E", "x=1", "--path.data", "/it's", "--path.home=/h", "-path.logs", "/l"}));
  EXPECT_EQ(all, (std::vector<std::string>{"x=1", "path.home='/h'", "path.data='/it''s'", "path.logs='/l'"}));
}

TEST(TailCli, DebugSelectorsAndVerbose) {
  EXPECT_EQ(ok({"-d", "*"}).debug_selectors, std::vector<std::string>{"*"});
  const CommandLine c = ok({"-d", "kafka, publisher,nosuch", "-d=registrar"});
  EXPECT_EQ(c.debug_selectors, (std::vector<std::string>{"kafka", "publisher", "nosuch", "registrar"}));
  EXPECT_EQ(debugComponents(c), (std::vector<std::string>{"kafka", "tail", "registry"}));
  EXPECT_EQ(unmatchedSelectors(c), std::vector<std::string>{"nosuch"});
  EXPECT_EQ(effectiveLogLevel(c, "warn"), "warn");  // named selectors: only those loggers
  EXPECT_EQ(effectiveLogLevel(ok({"-d", "*"}), "error"), "debug");
  EXPECT_EQ(effectiveLogLevel(ok({"-v"}), "error"), "info");
  EXPECT_EQ(effectiveLogLevel(ok({"-v"}), "debug"), "debug");
  EXPECT_EQ(effectiveLogLevel(ok({}), "error"), "error");
}

TEST(TailCli, Subcommands) {
  EXPECT_EQ(ok({"run"}).command, Command::kRun);
  EXPECT_EQ(ok({"run", "-e", "--once"}).command, Command::kRun);
  EXPECT_TRUE(ok({"run", "-e", "--once"}).once);
  EXPECT_EQ(ok({"test", "config"}).command, Command::kTestConfig);
  EXPECT_EQ(ok({"-c", "x", "test", "config", "-e"}).command, Command::kTestConfig);
  EXPECT_EQ(ok({"--check"}).command, Command::kTestConfig);
  EXPECT_EQ(ok({"test", "output"}).command, Command::kTestOutput);
  EXPECT_EQ(ok({"export", "config"}).command, Command::kExportConfig);
  EXPECT_EQ(ok({"version"}).command, Command::kVersion);
  EXPECT_EQ(ok({"--version"}).command, Command::kVersion);
  EXPECT_EQ(ok({"test", "config", "--version"}).command, Command::kVersion);
  EXPECT_EQ(ok({"help"}).command, Command::kHelp);
  EXPECT_EQ(ok({"-h"}).command, Command::kHelp);
  EXPECT_EQ(ok({"--", "run"}).command, Command::kRun);
}

TEST(TailCli, ErrorsNameTheFlagOrWord) {
  EXPECT_EQ(error({"-x"}), "unknown flag: -x");
  EXPECT_EQ(error({"--nosuch=1"}), "unknown flag: --nosuch");
  EXPECT_EQ(error({"-cfoo"}), "unknown flag: -cfoo");  // Go: -cfoo is the long flag cfoo
  EXPECT_EQ(error({"-c"}), "flag needs an argument: -c");
  EXPECT_EQ(error({"--path.data"}), "flag needs an argument: --path.data");
  EXPECT_EQ(error({"-E"}), "flag needs an argument: -E");
  EXPECT_EQ(error({"---c", "x"}), "bad flag syntax: ---c");
  EXPECT_NE(error({"test"}).find("config or output"), std::string::npos);
  EXPECT_NE(error({"test", "modules"}).find("test modules"), std::string::npos);
  EXPECT_NE(error({"export", "template"}).find("export template"), std::string::npos);
  EXPECT_NE(error({"setup"}).find("\"setup\""), std::string::npos);
  EXPECT_NE(error({"frobnicate"}).find("\"frobnicate\""), std::string::npos);
  EXPECT_NE(error({"run", "extra"}).find("\"extra\""), std::string::npos);
  EXPECT_NE(error({"test", "config", "extra"}).find("\"extra\""), std::string::npos);
}

TEST(TailCli, SeveralConfigFilesKeepTheirOrderAndResolveEach) {
  const CommandLine c = ok({"-c", "a.yml", "--c=/etc/b.yml", "-config", "c.yml", "--path.config", "/cfg"});
  EXPECT_EQ(c.config_file, "a.yml");
  EXPECT_EQ(c.more_config_files, (std::vector<std::string>{"/etc/b.yml", "c.yml"}));
  EXPECT_EQ(configFilePaths(c), (std::vector<std::string>{"/cfg/a.yml", "/etc/b.yml", "/cfg/c.yml"}));
  EXPECT_EQ(configFilePaths(ok({})), std::vector<std::string>{"filebeat.yml"});
}

TEST(TailCli, ConfigFileResolvesAgainstPathConfigThenPathHome) {
  EXPECT_EQ(configFilePath(ok({"-c", "filebeat.yml", "--path.config", "/etc/filebeat"})), "/etc/filebeat/filebeat.yml");
  EXPECT_EQ(configFilePath(ok({"-c", "fb.yml", "--path.home", "/usr/share/filebeat"})), "/usr/share/filebeat/fb.yml");
  EXPECT_EQ(configFilePath(ok({"-c", "fb.yml", "--path.home", "/h", "--path.config", "/c"})), "/c/fb.yml");
  EXPECT_EQ(configFilePath(ok({"-c", "/abs/fb.yml", "--path.config", "/c"})), "/abs/fb.yml");
  EXPECT_EQ(configFilePath(ok({"-c", "fb.yml"})), "fb.yml");
}

TEST(TailCli, StrictPermsRefusesAFileOthersCanWriteWithFilebeatsWording) {
  TempDir dir;
  const auto file = (dir / "filebeat.yml").string();
  writeFile(file, "output.console: {}\n");
  ASSERT_EQ(::chmod(file.c_str(), 0644), 0);
  EXPECT_FALSE(checkConfigPermissions(file));
  ASSERT_EQ(::chmod(file.c_str(), 0664), 0);
  const auto why = checkConfigPermissions(file);
  ASSERT_TRUE(why);
  EXPECT_EQ(*why, "config file (\"" + file + "\") can only be writable by the owner but the permissions are " +
                      "\"-rw-rw-r--\" (to fix the permissions use: 'chmod go-w " + file + "')");
  ASSERT_EQ(::chmod(file.c_str(), 0602), 0);
  EXPECT_NE(checkConfigPermissions(file)->find("\"-rw-----w-\""), std::string::npos);
}

// ---- the built binary ------------------------------------------------------------------------

using testing::runTailBinary;

std::string writeConfig(const TempDir& dir, const std::string& yaml, mode_t mode = 0644) {
  const auto file = (dir / "filebeat.yml").string();
  writeFile(file, yaml);
  ::chmod(file.c_str(), mode);
  return file;
}

const char* kConsoleConfig = "filebeat.inputs:\n- type: log\n  paths: [/tmp/x.log]\noutput.console: {}\n";

TEST(TailCliProcess, FilebeatEntrypointFlagsThenTestConfigSaysConfigOk) {
  TempDir dir;
  const auto file = writeConfig(dir, kConsoleConfig, 0664);
  const auto r = runTailBinary("-e -strict.perms=false -c " + file + " test config");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("Config OK"), std::string::npos) << r.out;
  const auto d = runTailBinary("-e -d '*' -v --strict.perms=false run -c " + file + " --check");
  EXPECT_EQ(d.status, 0) << d.out;
}

TEST(TailCliProcess, SeveralConfigFilesMergeAndABadValueNamesItsFile) {
  TempDir dir;
  const auto base = writeConfig(dir, kConsoleConfig);
  const auto local = (dir / "local.yml").string();
  writeFile(local, "queue.mem.events: 16\n");
  EXPECT_EQ(runTailBinary("-c " + base + " -c " + local + " --check").status, 0);
  writeFile(local, "# local settings\nqueue.mem.events: lots\n");
  const auto r = runTailBinary("-c " + base + " -c " + local + " --check");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_EQ(r.out, local + ":2:19: queue.mem.events: expected an integer, got \"lots\"\n");
}

TEST(TailCliProcess, GroupWritableConfigIsRefusedWithStrictPerms) {
  TempDir dir;
  const auto file = writeConfig(dir, kConsoleConfig, 0664);
  const auto r = runTailBinary("-c " + file + " test config");
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("Exiting: error loading config file: config file (\"" + file +
                       "\") can only be writable by the owner"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("Config OK"), std::string::npos) << r.out;
}

TEST(TailCliProcess, PathConfigLocatesARelativeConfigFile) {
  TempDir dir;
  writeConfig(dir, kConsoleConfig);
  const auto r = runTailBinary("-c filebeat.yml --path.config " + dir.path().string() + " test config");
  EXPECT_EQ(r.status, 0) << r.out;
  // path.logs from the command line is where logging.files go (logging_config_test): no warning.
  const auto l = runTailBinary("-c filebeat.yml -path.config=" + dir.path().string() + " -path.logs /l --check");
  EXPECT_EQ(l.status, 0) << l.out;
  EXPECT_EQ(l.out.find("path.logs"), std::string::npos) << l.out;
}

TEST(TailCliProcess, ExportConfigShowsOverridesAndExpandedVariables) {
  TempDir dir;
  ::setenv("LOGSHIP_CLI_TEST_TOPIC", "from-env", 1);
  const auto file = writeConfig(dir,
                                "filebeat.inputs:\n- type: log\n  paths: [/tmp/x.log]\n"
                                "output.kafka:\n  hosts: [\"a:9092\"]\n  topic: ${LOGSHIP_CLI_TEST_TOPIC}\n");
  const auto r = runTailBinary("-c " + file + " -E 'output.kafka.hosts=[\"b:9093\"]' export config");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("b:9093"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("a:9092"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("topic: from-env"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("kafka:"), std::string::npos) << r.out;  // dotted keys nested, as Filebeat prints them
}

TEST(TailCliProcess, ExportConfigRedactsSecrets) {
  TempDir dir;
  logship::testing::writeFile(dir / "kafka-password", "file-s3cr3t\n");
  ::setenv("LOGSHIP_CLI_TEST_PASSPHRASE", "env-s3cr3t", 1);
  const auto file = writeConfig(dir,
                                "filebeat.inputs:\n- type: log\n  paths: [/tmp/x.log]\n"
                                "output.kafka:\n  hosts: [\"a:9092\"]\n  topic: t\n  username: alice\n"
                                "  password: ${file:" +
                                    (dir / "kafka-password").string() +
                                    "}\n"
                                    "  ssl.key_passphrase: ${LOGSHIP_CLI_TEST_PASSPHRASE}\n"
                                    "  ssl.key: /etc/tls/client.key\n"
                                    "  api_key: inline-s3cr3t\n");
  const auto r = runTailBinary("-c " + file + " export config");
  EXPECT_EQ(r.status, 0) << r.out;
  for (const char* secret : {"file-s3cr3t", "env-s3cr3t", "inline-s3cr3t"}) {
    EXPECT_EQ(r.out.find(secret), std::string::npos) << secret << " printed:\n" << r.out;
  }
  EXPECT_NE(r.out.find("password: xxxxx"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("key_passphrase: xxxxx"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("username: alice"), std::string::npos) << r.out;      // not a secret
  EXPECT_NE(r.out.find("/etc/tls/client.key"), std::string::npos) << r.out;  // a path to a key is not one
}

// Nothing listens there: connections are refused.
int closedLoopbackPort() { return logship::testing::freeLoopbackPort(); }

TEST(TailCliProcess, TestOutputReportsAClosedPortAndExitsNonZero) {
  TempDir dir;
  const std::string host = "127.0.0.1:" + std::to_string(closedLoopbackPort());
  const auto file = writeConfig(dir,
                                "filebeat.inputs:\n- type: log\n  paths: [/tmp/x.log]\n"
                                "output.kafka:\n  hosts: [\"" +
                                    host + "\"]\n  topic: t\n");
  const auto r = runTailBinary("-c " + file + " test output");
  EXPECT_NE(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("kafka: " + host + "...\n  parse host... OK\n  dns lookup... OK\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("dial up... ERROR connect: Connection refused"), std::string::npos) << r.out;
}

TEST(TailCliProcess, UnknownFlagExits2WithOneLineNamingIt) {
  const auto r = runTailBinary("-c /nonexistent.yml -frobnicate");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_EQ(r.out, "logship-tail: unknown flag: -frobnicate (see logship-tail --help)\n");
}

TEST(TailCliProcess, VersionSubcommandAndFlag) {
  for (const auto& args : {"version", "--version", "-version"}) {
    const auto r = runTailBinary(args);
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(r.out.rfind("logship-tail ", 0), 0u) << r.out;
  }
}

// ---- test output against librdkafka's mock cluster (real loopback listeners) ---------------------

TailConfig kafkaConfig(const std::vector<std::string>& hosts) {
  TailConfig c;
  c.kafka.enabled = true;
  c.kafka.hosts = hosts;
  return c;
}

TEST(TailTestOutput, EveryReachableBrokerIsOk) {
  kafka::testing::MockKafka mock(1);
  const std::string host = mock.bootstraps();
  std::ostringstream out;
  EXPECT_TRUE(testOutput(kafkaConfig({host}), out, std::chrono::milliseconds(3000))) << out.str();
  EXPECT_NE(out.str().find("kafka: " + host +
                           "...\n  parse host... OK\n  dns lookup... OK\n  addresses: 127.0.0.1\n"
                           "  dial up... OK\n  talk to server... OK\n  metadata: 1 broker(s)"),
            std::string::npos)
      << out.str();
}

TEST(TailTestOutput, OneUnreachableHostFailsTheTestButEveryHostIsReported) {
  kafka::testing::MockKafka mock(1);
  const std::string good = mock.bootstraps();
  const std::string bad = "127.0.0.1:" + std::to_string(closedLoopbackPort());
  std::ostringstream out;
  EXPECT_FALSE(testOutput(kafkaConfig({bad, good, "no-port"}), out, std::chrono::milliseconds(3000)));
  const std::string s = out.str();
  EXPECT_NE(s.find("kafka: " + bad + "..."), std::string::npos) << s;
  EXPECT_NE(s.find("dial up... ERROR connect: Connection refused"), std::string::npos) << s;
  EXPECT_NE(s.find("kafka: " + good + "...\n  parse host... OK"), std::string::npos) << s;
  EXPECT_NE(s.find("talk to server... OK"), std::string::npos) << s;
  EXPECT_NE(s.find("kafka: no-port...\n  parse host... ERROR expected host:port"), std::string::npos) << s;
}

TEST(TailTestOutput, ConsoleOutputCannotBeTestedAsInFilebeat) {
  TailConfig c;
  c.console.enabled = true;
  std::ostringstream out;
  EXPECT_FALSE(testOutput(c, out));
  EXPECT_EQ(out.str(), "console output doesn't support testing\n");
}

}  // namespace
}  // namespace logship::tail
