// The JS tokenizer must agree with the Python one on every fixture case.
const test = require("node:test");
const assert = require("node:assert");
const path = require("node:path");
const tokenizer = require("./load-tokenizer.js");  // with the build's facts.js: Han ranges, case folds
const cases = require("../fixtures/tokenizer_cases.json");

for (const c of cases) {
  test(`tokenizer: ${c.name}`, () => {
    assert.deepStrictEqual(tokenizer.indexTokens(c.input), c.index);
    assert.deepStrictEqual(tokenizer.queryTokens(c.input), c.query);
  });
}

test("normalize folds full-width forms and case", () => {
  assert.strictEqual(tokenizer.normalize("ＡＢＣ１２３"), "abc123");
  assert.strictEqual(path.basename(__filename), "tokenizer.test.js");
});

const hashCases = require("../fixtures/hash_cases.json");
for (const c of hashCases) {
  test(`bucket hash agrees with Python: ${JSON.stringify(c.term)}`, () => {
    assert.strictEqual(tokenizer.hash(c.term), c.hash);
    if (c.bucket) assert.deepStrictEqual(tokenizer.bucketOf(c.term), c.bucket);
  });
}

test("needles are the normalized runs of a query", () => {
  assert.deepStrictEqual(tokenizer.needles("平湖 好人，ＧＤＰ"), ["平湖", "好人", "gdp"]);
});

test("the Han ranges are the build's, not a copy", () => {
  assert.ok(global.self.edition.facts.hanRanges.length >= 8);
  assert.deepStrictEqual(tokenizer.indexTokens("〇𠀀"), ["〇𠀀", "〇", "𠀀"]);
});
