#pragma once
// A processor parsed from its YAML (as parseProcessors hands it over) and run on event_, with the
// event's live entries as "key=value" strings for whole-event comparisons.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "logship/common/config.h"
#include "logship/tail/event.h"
#include "logship/tail/processor.h"

namespace logship::tail {

using Strings = std::vector<std::string>;

class ProcessorTest : public ::testing::Test {
 protected:
  std::unique_ptr<const Processor> parse(const std::string& name, const std::string& yaml) {
    retire();
    doc_ = config::Document::loadString(name + ": " + yaml + "\n", "p.yml", {});
    return findProcessor(name)->parse(doc_->root().child(name));
  }
  void run(const std::string& name, const std::string& yaml) {
    processor_ = parse(name, yaml);
    processor_->run(event_);
  }
  // The live entries as "key=value" in order, for whole-event comparisons.
  std::vector<std::string> live() const {
    std::vector<std::string> out;
    for (const auto& e : event_.entries())
      if (!e.removed) out.push_back(std::string(e.key) + "=" + std::string(e.value));
    return out;
  }
  std::string errorMessage() const {
    const Entry* e = event_.find("error.message");
    return e ? std::string(e->value) : std::string();
  }
  // Earlier processors and config documents stay alive: the event keeps views of their strings
  // (target keys), as a pipeline's processors outlive its events.
  void retire() {
    if (processor_) retired_.push_back(std::move(processor_));
    if (doc_) retired_docs_.push_back(std::move(doc_));
  }
  std::vector<std::unique_ptr<const Processor>> retired_;
  std::vector<std::unique_ptr<config::Document>> retired_docs_;
  std::unique_ptr<config::Document> doc_;
  std::unique_ptr<const Processor> processor_;
  Event event_;
};

}  // namespace logship::tail
