// drop_fields' `/regexp/` names and include_fields, with the cases of libbeat's
// drop_fields_test.go and include_fields_test.go (flat dotted entries stand for nested maps).
#include "processor_fixture.h"

namespace logship::tail {
namespace {

using FieldsProcessor = ProcessorTest;

void setSampleFields(Event& e) {
  e.setString("@metadata.beat", "filebeat");
  e.setString("message", "hello");
  e.setRaw("field_1.subfield_1", "\"a\"");
  e.setRaw("field_1.subfield_2", "\"b\"");
  e.setRaw("field_2", "\"c\"");
  e.setRaw("other.second", "1");
  e.setRaw("type", "\"log\"");
}

TEST_F(FieldsProcessor, DropFieldsRegexpDropsMatchingKeysAndTheirChildren) {
  setSampleFields(event_);
  run("drop_fields", "{fields: [\"/^field_/\"]}");
  EXPECT_EQ(live(), (Strings{"@metadata.beat=filebeat", "message=hello", "other.second=1", "type=\"log\""}));
}

TEST_F(FieldsProcessor, DropFieldsRegexpMatchesAnywhereInTheDottedKey) {
  setSampleFields(event_);
  run("drop_fields", "{fields: [\"/sub.*2/\", \"/cond/\", message]}");
  // subfield_2 by its full key, other.second by its leaf, message by name.
  EXPECT_EQ(live(), (Strings{"@metadata.beat=filebeat", "field_1.subfield_1=\"a\"", "field_2=\"c\"", "type=\"log\""}));
}

TEST_F(FieldsProcessor, DropFieldsRegexpNeverDropsTimestampOrMetadata) {
  setSampleFields(event_);
  event_.setString("@timestamp", "2026-01-01T00:00:00.000Z");
  run("drop_fields", "{fields: [\"/.*/\"]}");
  EXPECT_EQ(live(), (Strings{"@metadata.beat=filebeat", "@timestamp=2026-01-01T00:00:00.000Z"}));
}

TEST_F(FieldsProcessor, DropFieldsRefusesAnInvalidRegexp) {
  EXPECT_THROW(parse("drop_fields", "{fields: [\"/(/\"]}"), config::ConfigError);
  // Too short to be a regexp: "/" and "//" are plain names, as in libbeat.
  setSampleFields(event_);
  event_.setRaw("/", "1");
  run("drop_fields", "{fields: [\"/\"]}");
  EXPECT_EQ(event_.find("/"), nullptr);
  EXPECT_NE(event_.find("message"), nullptr);
}

TEST_F(FieldsProcessor, IncludeFieldsKeepsListedFieldsTypeAndMetadata) {
  setSampleFields(event_);
  run("include_fields", "{fields: [field_1.subfield_2, message, missing]}");
  EXPECT_EQ(live(), (Strings{"@metadata.beat=filebeat", "message=hello", "field_1.subfield_2=\"b\"", "type=\"log\""}));
}

TEST_F(FieldsProcessor, IncludeFieldsKeepsWholeSubtrees) {
  setSampleFields(event_);
  run("include_fields", "{fields: [field_1]}");
  EXPECT_EQ(live(), (Strings{"@metadata.beat=filebeat", "field_1.subfield_1=\"a\"", "field_1.subfield_2=\"b\"",
                             "type=\"log\""}));
  EXPECT_THROW(parse("include_fields", "{fields: []}"), config::ConfigError);
}

}  // namespace
}  // namespace logship::tail
