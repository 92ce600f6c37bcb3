// convert: cases of libbeat's convert_test.go (facts, not code) with its error texts.
#include "tail/processor_fixture.h"

namespace logship::tail {
namespace {

using ConvertTest = ProcessorTest;

TEST_F(ConvertTest, TypesFromStringsAndNumbers) {
  event_.setString("port", "80");
  event_.setString("hex", "0x1F");
  event_.setRaw("ratio", "0.5");
  event_.setRaw("big", "100000000");
  event_.setString("flag", "T");
  event_.setString("addr", "10.0.0.1");
  event_.setRaw("num", "42");
  event_.setRaw("neg", "-3.9");
  run("convert",
      "{fields: [{from: port, type: integer}, {from: hex, type: long}, {from: ratio, to: r, type: float},"
      " {from: big, type: double}, {from: flag, type: boolean}, {from: addr, to: source.ip, type: ip},"
      " {from: num, to: num_s, type: string}, {from: neg, type: long}]}");
  EXPECT_EQ(errorMessage(), "");
  EXPECT_EQ(event_.find("port")->value, "80");
  EXPECT_EQ(event_.find("port")->kind, Entry::Kind::kRaw);  // a JSON number now
  EXPECT_EQ(event_.find("hex")->value, "31");
  EXPECT_EQ(event_.find("r")->value, "0.5");
  EXPECT_EQ(event_.find("ratio")->value, "0.5");  // mode copy: the source stays
  EXPECT_EQ(event_.find("big")->value, "100000000");
  EXPECT_EQ(event_.find("flag")->value, "true");
  EXPECT_EQ(event_.find("source.ip")->value, "10.0.0.1");
  EXPECT_EQ(event_.find("source.ip")->kind, Entry::Kind::kString);
  EXPECT_EQ(event_.find("num_s")->value, "42");
  EXPECT_EQ(event_.find("num_s")->kind, Entry::Kind::kString);
  EXPECT_EQ(event_.find("neg")->value, "-3");  // Go's int64(float64) truncates
}

TEST_F(ConvertTest, RenameModeMovesTheValue) {
  event_.setString("status", "200");
  run("convert", "{fields: [{from: status, to: http.status, type: long}], mode: rename}");
  EXPECT_EQ(event_.find("status"), nullptr);
  EXPECT_EQ(event_.find("http.status")->value, "200");
}

TEST_F(ConvertTest, OneFailureLeavesTheEventAsItWasWithFailOnError) {
  event_.setString("a", "1");
  event_.setString("b", "nope");
  run("convert", "{fields: [{from: a, type: long}, {from: b, to: c, type: integer}], tag: t1}");
  EXPECT_EQ(event_.find("a")->kind, Entry::Kind::kString);  // not converted
  EXPECT_EQ(event_.find("c"), nullptr);
  EXPECT_EQ(errorMessage(),
            "failed in processor.convert with instance_id=t1: conversion of field [b] to type [integer] with target "
            "field [c] failed: unable to convert value [nope]: strconv.ParseInt: parsing \"nope\": invalid syntax");
}

TEST_F(ConvertTest, FailuresSkippedWithoutFailOnErrorAndMissingFields) {
  event_.setString("a", "1");
  event_.setString("big", "3000000000");
  run("convert",
      "{fields: [{from: a, type: long}, {from: big, type: integer}, {from: x, type: ip}], fail_on_error: false}");
  EXPECT_EQ(event_.find("a")->kind, Entry::Kind::kRaw);
  EXPECT_EQ(event_.find("big")->kind, Entry::Kind::kString);  // out of int32: skipped
  EXPECT_EQ(errorMessage(), "");
  run("convert", "{fields: [{from: x, type: ip}]}");
  EXPECT_EQ(errorMessage(),
            "failed in processor.convert: conversion of field [x] to type [ip] failed: field [x] is missing: key not "
            "found");
  Event fresh;
  event_ = std::move(fresh);
  run("convert", "{fields: [{from: x, type: ip}], ignore_missing: true}");
  EXPECT_EQ(errorMessage(), "");
  event_.setRaw("t", "true");
  run("convert", "{fields: [{from: t, type: long}]}");
  EXPECT_EQ(errorMessage(),
            "failed in processor.convert: conversion of field [t] to type [long] failed: unable to convert value "
            "[true]: invalid conversion of [bool] to long");
}

TEST_F(ConvertTest, ConfigErrors) {
  EXPECT_THROW(parse("convert", "{fields: [{from: a, type: number}]}"), config::ConfigError);
  EXPECT_THROW(parse("convert", "{fields: [{from: a}]}"), config::ConfigError);
  EXPECT_THROW(parse("convert", "{fields: [{from: a, type: long}], mode: move}"), config::ConfigError);
}

}  // namespace
}  // namespace logship::tail
