// The search page's URL parameters: what a reader plausibly types works, the rest is left out with a note.
const test = require("node:test");
const assert = require("node:assert");
require("./load-tokenizer.js");
const params = require("../../templates/assets/search/params.js");

const META = {
  pubs: [["pinghu-daily", "平湖日报"], ["lilun-journal", "理论学习"]],
  sections: ["要闻", "综合"], columns: ["二十大精神 点对点", "权威解读"], kinds: ["news", "photo"]
};
const read = (query) => params.read(new URLSearchParams(query), META);

test("an unpadded or otherwise written date is the date the reader meant", () => {
  for (const typed of ["2022-6-1", "2022-06-01", "2022/6/1", "2022.6.1", "2022年6月1日", "20220601", "２０２２－６－１",
                       " 2022-6-1 ", "2022 年 6 月 1 日"]) {
    assert.strictEqual(params.parseDate(typed, false), "2022-06-01", typed);
  }
  const asked = read("q=平湖&from=2022-6-1&to=2022-6-30");
  assert.strictEqual(asked.from, "2022-06-01");
  assert.strictEqual(asked.to, "2022-06-30");
  assert.deepStrictEqual(asked.notes, []);
});

test("a month or a year is a range from its first day to its last", () => {
  assert.deepStrictEqual([params.parseDate("2022-6", false), params.parseDate("2022-6", true)], ["2022-06-01", "2022-06-30"]);
  assert.deepStrictEqual([params.parseDate("2024年2月", true), params.parseDate("2022", true)], ["2024-02-29", "2022-12-31"]);
  const asked = read("q=平湖&from=2022&to=2022");
  assert.deepStrictEqual([asked.from, asked.to], ["2022-01-01", "2022-12-31"]);
});

test("an impossible or unreadable date is left out, and the page says so", () => {
  for (const typed of ["2022-13-01", "2022-02-30", "2023-2-29", "2022-06-01T00:00", "yesterday", "6/1/2022", "2022-6-1-1",
                       "0000-01-01", "__proto__", "constructor"]) {
    assert.strictEqual(params.parseDate(typed, false), null, typed);
    const asked = read("q=平湖&from=" + encodeURIComponent(typed));
    assert.strictEqual(asked.from, "", typed);
    assert.strictEqual(asked.notes.length, 1, typed);
    assert.ok(asked.notes[0].includes("起始日期") && asked.notes[0].includes(typed), asked.notes[0]);
  }
});

test("dates in the wrong order are swapped, with a note", () => {
  const asked = read("q=平湖&from=2022-12&to=2022-6-1");
  assert.deepStrictEqual([asked.from, asked.to], ["2022-06-01", "2022-12-31"]);
  assert.strictEqual(asked.notes.length, 1);
});

test("sort, scope and kind take only their own values: __proto__ and constructor are unknown values", () => {
  for (const bad of ["__proto__", "constructor", "toString", "hasOwnProperty", "NEWEST", "1"]) {
    const asked = read(new URLSearchParams({ q: "平湖", sort: bad, scope: bad, kind: bad, publication: bad }).toString());
    assert.strictEqual(asked.sort, "relevance", bad);
    assert.strictEqual(asked.scope, "all", bad);
    assert.strictEqual(asked.kind, "", bad);
    assert.strictEqual(asked.publication, "", bad);
    assert.strictEqual(asked.notes.length, 4, bad);
    assert.ok(asked.notes.every((note) => note.includes(bad)), bad);
  }
  const good = read("q=平湖&sort=oldest&scope=author&kind=photo&publication=lilun-journal");
  assert.deepStrictEqual([good.sort, good.scope, good.kind, good.publication, good.notes],
                         ["oldest", "author", "photo", "lilun-journal", []]);
});

test("a 版名 or 栏目 is matched as search matches text; an unknown one is left out with a note", () => {
  const asked = read("q=平湖&section=" + encodeURIComponent(" 要闻 ") + "&column=" + encodeURIComponent("权威解读"));
  assert.deepStrictEqual([asked.section, asked.column, asked.notes], ["要闻", "权威解读", []]);
  const bad = read("q=平湖&section=__proto__&column=" + encodeURIComponent("不存在"));
  assert.deepStrictEqual([bad.section, bad.column, bad.notes.length], ["", "", 2]);
});

test("a page number is a positive whole number; anything else is page 1, with a note", () => {
  assert.strictEqual(read("q=x&page=3").page, 3);
  assert.strictEqual(read("q=x&page=３").page, 3);
  for (const bad of ["0", "-2", "2abc", "1e3", "__proto__", "9999999999"]) {
    const asked = read("q=x&page=" + encodeURIComponent(bad));
    assert.strictEqual(asked.page, 1, bad);
    assert.strictEqual(asked.notes.length, 1, bad);
  }
  assert.deepStrictEqual(read("q=x").notes, []);
});

test("no parameter at all is the empty search, without notes", () => {
  const asked = read("");
  assert.deepStrictEqual(asked, { q: "", scope: "all", sort: "relevance", publication: "", section: "", column: "",
                                  kind: "", from: "", to: "", page: 1, notes: [] });
});
