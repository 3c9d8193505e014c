// Label text normalisation on hand-made texts with known answers: folding, words, possessives, class names, stop
// words, repeats, and the texts that must be refused.
#include <gtest/gtest.h>

#include <string>

#include "inx/labels/text.hpp"

namespace lb = inx::labels;

namespace {
lb::StopWords stop() {
  static const lb::StopWords s(std::string(INX_SOURCE_DIR) + "/data/labels/stopwords_en.txt");
  return s;
}
std::string norm(const std::string& t, const std::string& cls = "Ankle boot") {
  return lb::normalise(t, cls, stop(), "test");
}
}  // namespace

TEST(LabelText, FoldsCaseAndCompatibilityForms) {
  EXPECT_EQ(lb::fold("Stripes", "t"), "stripes");
  EXPECT_EQ(lb::fold("\xEF\xBC\xB3\xEF\xBC\xB4\xEF\xBC\xB2\xEF\xBC\xA9\xEF\xBC\xB0\xEF\xBC\xA5\xEF\xBC\xB3", "t"),
            "stripes");                                          // fullwidth ＳＴＲＩＰＥＳ
  EXPECT_EQ(lb::fold("\xEF\xAC\x81ne", "t"), "fine");            // the ligature ﬁ
  EXPECT_EQ(lb::fold("Stra\xC3\x9F" "e", "t"), "strasse");       // ß folds to ss
  EXPECT_EQ(lb::fold("cafe\xCC\x81", "t"), "caf\xC3\xA9");       // e + combining acute composes to é
  EXPECT_EQ(lb::fold("soft\xC2\xADhyphen", "t"), "softhyphen");  // default-ignorable code points go
}

TEST(LabelText, WordsSplitOnPunctuationAndDropPossessives) {
  EXPECT_EQ(lb::words("the heel's edge, (round)-toe"), (std::vector<std::string>{"the", "heel", "edge", "round", "toe"}));
  EXPECT_EQ(lb::words("boot\xE2\x80\x99s lace"), (std::vector<std::string>{"boot", "lace"}));  // ’s
  EXPECT_EQ(lb::words("it'sy 3d"), (std::vector<std::string>{"it", "sy", "3d"}));  // not a possessive: 's then more
  EXPECT_TRUE(lb::words(" ... !!").empty());
}

TEST(LabelText, RemovesTheClassNameItsPossessiveStopWordsAndRepeats) {
  EXPECT_EQ(norm("The ankle boot's heel"), "heel");
  EXPECT_EQ(norm("Heel of the ANKLE BOOT and the heel"), "heel");
  EXPECT_EQ(norm("boot laces"), "boot laces");  // only the whole class name goes ("boot" alone is a word)
  EXPECT_EQ(norm("Collar of a T-shirt", "T-shirt/top"), "collar");
  EXPECT_EQ(norm("tshirt top collar", "T-shirt/top"), "tshirt collar");
  EXPECT_EQ(norm("t shirt sleeve", "T-shirt/top"), "sleeve");
  EXPECT_EQ(norm("a red and white STRIPE", "Shirt"), "red white stripe");
  EXPECT_EQ(norm("the of and", "Shirt"), "");
}

TEST(LabelText, RefusesBrokenUnicodeNamingTheRecord) {
  for (const std::string& bad : {std::string("caf\xC3"), std::string("\xFF\xFE"), std::string("a\x01" "b"),
                                std::string("\xED\xA0\x80"), std::string("\xEE\x80\x80")}) {
    try {
      (void)lb::normalise(bad, "Shirt", stop(), "labels.csv line 7");
      ADD_FAILURE() << "accepted " << bad;
    } catch (const inx::value_error& e) {
      EXPECT_NE(std::string(e.what()).find("labels.csv line 7: text "), std::string::npos) << e.what();
    }
  }
}

TEST(LabelText, StopWordFileIsReadAndChecked) {
  EXPECT_GT(stop().size(), 100u);
  EXPECT_TRUE(stop().contains("the"));
  EXPECT_FALSE(stop().contains("collar"));
  EXPECT_THROW(lb::StopWords("/nonexistent/stop.txt"), inx::io_error);
}
