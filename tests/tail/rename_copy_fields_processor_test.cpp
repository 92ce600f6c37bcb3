// rename and copy_fields, with the input/output pairs of libbeat's actions/rename_test.go and
// copy_fields_test.go (flat dotted entries stand for their nested maps).
#include "processor_fixture.h"

namespace logship::tail {
namespace {

using FromToProcessor = ProcessorTest;

TEST_F(FromToProcessor, RenameSimpleField) {
  event_.setRaw("a", "\"c\"");
  run("rename", "{fields: [{from: a, to: b}]}");
  EXPECT_EQ(live(), (Strings{"b=\"c\""}));
}

TEST_F(FromToProcessor, RenameAddsOneMoreHierarchy) {
  event_.setRaw("a.b", "1");
  run("rename", "{fields: [{from: a.b, to: a.b.c}]}");
  EXPECT_EQ(live(), (Strings{"a.b.c=1"}));
}

TEST_F(FromToProcessor, RenameMovesEverythingUnderTheSource) {
  event_.setRaw("json.level", "\"info\"");
  event_.setRaw("json.caller", "\"x.go:1\"");
  event_.setRaw("jsonx", "1");  // shares the prefix, not the path
  run("rename", "{fields: [{from: json, to: app}]}");
  EXPECT_EQ(live(), (Strings{"app.level=\"info\"", "app.caller=\"x.go:1\"", "jsonx=1"}));
}

TEST_F(FromToProcessor, RenameOntoAnExistingFieldFailsAndFlagsTheEvent) {
  event_.setRaw("a", "2");
  event_.setRaw("b", "\"q\"");
  run("rename", "{fields: [{from: a, to: b}]}");
  EXPECT_EQ(errorMessage(),
            "Failed to rename fields in processor: target field b already exists, drop or rename this field first");
  EXPECT_EQ(event_.find("a")->value, "2");
  EXPECT_EQ(event_.find("b")->value, "\"q\"");
}

TEST_F(FromToProcessor, RenameOrderMatters) {
  event_.setRaw("a", "2");
  event_.setRaw("b", "\"q\"");
  run("rename", "{fields: [{from: b, to: c}, {from: a, to: b}]}");
  EXPECT_EQ(live(), (Strings{"b=2", "c=\"q\""}));
  EXPECT_EQ(errorMessage(), "");
}

TEST_F(FromToProcessor, RenameFailureRollsBackEarlierPairs) {
  event_.setRaw("a", "1");
  event_.setRaw("c", "2");
  run("rename", "{fields: [{from: a, to: b}, {from: missing, to: d}, {from: c, to: e}]}");
  EXPECT_EQ(errorMessage(),
            "Failed to rename fields in processor: could not fetch value for key: missing, Error: key not found");
  EXPECT_NE(event_.find("a"), nullptr);  // the first pair was undone
  EXPECT_EQ(event_.find("b"), nullptr);
  EXPECT_EQ(event_.find("e"), nullptr);  // and the rest not applied
}

TEST_F(FromToProcessor, RenameWithoutFailOnErrorKeepsGoingUnflagged) {
  event_.setRaw("a", "1");
  event_.setRaw("c", "2");
  run("rename", "{fail_on_error: false, fields: [{from: a, to: b}, {from: missing, to: d}, {from: c, to: e}]}");
  EXPECT_EQ(live(), (Strings{"b=1", "e=2"}));
}

TEST_F(FromToProcessor, RenameIgnoreMissingSkipsAbsentSource) {
  event_.setRaw("a", "1");
  run("rename", "{ignore_missing: true, fields: [{from: missing, to: x}, {from: a, to: b}]}");
  EXPECT_EQ(live(), (Strings{"b=1"}));
}

TEST_F(FromToProcessor, CopyFieldsCopiesValueAndKeepsSource) {
  event_.setString("message", "hello");
  run("copy_fields", "{fields: [{from: message, to: message_copied}]}");
  EXPECT_EQ(live(), (Strings{"message=hello", "message_copied=hello"}));
  EXPECT_EQ(event_.find("message_copied")->kind, Entry::Kind::kString);
}

TEST_F(FromToProcessor, CopyFieldsCopiesASubtree) {
  event_.setRaw("message.a", "1");
  event_.setRaw("message.b.c", "\"d\"");
  run("copy_fields", "{fields: [{from: message, to: copy}]}");
  EXPECT_EQ(live(), (Strings{"message.a=1", "message.b.c=\"d\"", "copy.a=1", "copy.b.c=\"d\""}));
}

TEST_F(FromToProcessor, CopyFieldsNeverOverwritesTheTarget) {
  event_.setString("message", "hello");
  event_.setString("message_copied", "already");
  run("copy_fields", "{fields: [{from: message, to: message_copied}]}");
  EXPECT_EQ(
      errorMessage(),
      "Failed to copy fields in copy_fields processor: target field message_copied already exists, drop or rename this "
      "field first");
  EXPECT_EQ(event_.find("message_copied")->value, "already");
}

TEST_F(FromToProcessor, CopyFieldsMissingSourceFailsUnlessIgnored) {
  event_.setString("message", "hello");
  run("copy_fields", "{fields: [{from: nope, to: x}]}");
  EXPECT_EQ(
      errorMessage(),
      "Failed to copy fields in copy_fields processor: could not fetch value for key: nope, Error: key not found");
  event_.clear();
  event_.setString("message", "hello");
  run("copy_fields", "{ignore_missing: true, fields: [{from: nope, to: x}]}");
  EXPECT_EQ(live(), (Strings{"message=hello"}));
}

TEST_F(FromToProcessor, BadConfigFailsNamingTheKey) {
  EXPECT_THROW(parse("rename", "{fields: []}"), config::ConfigError);
  EXPECT_THROW(parse("rename", "{fields: [{from: a}]}"), config::ConfigError);
  EXPECT_THROW(parse("copy_fields", "{fields: [{to: b}]}"), config::ConfigError);
  EXPECT_THROW(parse("rename", "{fail_on_error: maybe, fields: [{from: a, to: b}]}"), config::ConfigError);
}

TEST_F(FromToProcessor, AddedFieldsNameTheTargets) {
  auto p = parse("rename", "{fields: [{from: a, to: b.c}]}");
  ASSERT_TRUE(p->addedFields().has_value());
  EXPECT_EQ(*p->addedFields(), (Strings{"error.message", "b.c"}));
}

}  // namespace
}  // namespace logship::tail
