// Search compares whole strings after one normalization (NFKC, case folding, Greek unaccented, NFKC),
// in the index (Python) and in the browser; tests/fixtures/normalise.json holds the cases both check.
const test = require("node:test");
const assert = require("node:assert");
const tokenizer = require("./load-tokenizer.js");
const fixture = require("../fixtures/normalise.json");

for (const c of fixture.normalize) {
  test(`normalize: ${c.name}`, () => {
    assert.strictEqual(tokenizer.normalize(c.input), c.normalized);
    assert.strictEqual(tokenizer.mapped(c.input).text, c.normalized);  // the snippet's text is the same
  });
}

function marked(text, query) {
  const shown = tokenizer.snippet(text, tokenizer.needles(query), 30, 90);
  return shown.highlights.map(([a, b]) => text.slice(shown.start, shown.end).slice(a, b));
}

for (const c of fixture.snippets) {
  test(`the result's snippet marks what the query found: ${c.name}`, () => {
    assert.deepStrictEqual(marked(c.text, c.query), c.marked);
  });
}

test("text normalized piece by piece equals the whole text normalized, in any order of the cases", () => {
  const pieces = fixture.normalize.map((c) => c.input).concat(fixture.snippets.map((c) => c.text), ["\u0301", "ﾞ", "ᅡ"]);
  let seed = 7;
  const next = (n) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
  for (let round = 0; round < 300; round++) {
    let text = "";
    for (let k = next(8); k >= 0; k--) text += pieces[next(pieces.length)];
    assert.strictEqual(tokenizer.mapped(text).text, tokenizer.normalize(text), JSON.stringify(text));
  }
});

test("a snippet starts and ends between characters, never inside one", () => {
  const text = "前".repeat(20) + "e\u0301".repeat(20) + "𠀀".repeat(20) + " 钟埭 " + "𠀀".repeat(60);
  const shown = tokenizer.snippet(text, ["钟埭"], 30, 90);
  const piece = text.slice(shown.start, shown.end);
  assert.ok(!/^[\u0301\udc00-\udfff]/.test(piece) && !/[\ud800-\udbff]$/.test(piece), JSON.stringify(piece));
  assert.ok(shown.start > 0 && shown.end < text.length);
  assert.deepStrictEqual(shown.highlights.map(([a, b]) => piece.slice(a, b)), ["钟埭"]);
});

test("σοφοσ, ΣΟΦΟΣ and σοφός are one query, as are ガイド and ｶﾞｲﾄﾞ", () => {
  assert.deepStrictEqual(tokenizer.queryTokens("ΣΟΦΌΣ"), tokenizer.queryTokens("σοφοσ"));
  assert.deepStrictEqual(tokenizer.indexTokens("σοφός"), ["σοφοσ"]);
  assert.deepStrictEqual(tokenizer.indexTokens("ｶﾞｲﾄﾞ"), tokenizer.queryTokens("ガイド"));
});
