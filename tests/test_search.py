"""Full-text search on the sample edition, in Debian chromium, from disk and over loopback HTTP."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from conftest import ROOT
from edition.load import load_site
from edition.tokenizer import normalize

pytestmark = pytest.mark.browser
QUERIES = ["仲旭东", "平湖好人", "钟埭", "八大突破行动", "社情民意"]


@pytest.fixture(scope="module")
def articles():
    loaded = load_site(ROOT / "content")
    return [(a, loaded.bodies[a.source].text) for a in loaded.articles]


def searchable(article, text: str, scope: str = "all") -> str:
    """What a scope of the search reads of an article: its headline, its bylines, its 栏目, or all."""
    parts = {"title": (article.kicker, article.title, article.subtitle),
             "author": (" ".join(a.label for a in article.authors),), "column": (article.column,)}.get(
        scope, (article.kicker, article.title, article.subtitle, " ".join(a.label for a in article.authors),
                article.column, text))
    return " ".join(normalize("\n".join(parts)).split())


def containing(articles, query: str, scope: str = "all", **where) -> set[str]:
    """Ground truth: the articles whose normalized text (in that scope) contains the query."""
    needle = " ".join(normalize(query).split())
    return {a.url for a, text in articles if needle in searchable(a, text, scope)
            and all(getattr(a, k) == v for k, v in where.items())}


def search(page, query: str, **options) -> dict:
    """edition.search, with its total once it is exact (which may come after the page)."""
    options.setdefault("limit", 1000)
    return page.evaluate("""([q, o]) => new Promise((resolve, reject) => {
        let found = null, counted = null;
        const both = () => found && (found.exact || counted) &&
            resolve(Object.assign(found, counted ? {total: counted.total, exact: true} : {}));
        o.onTotal = t => { counted = t; both(); };
        edition.search(q, o).then(r => { found = r; both(); }, reject);
    })""", [query, options])


@pytest.fixture(params=["file", "http"])
def search_page(request, page, sample_site):
    base = sample_site.as_uri() + "/" if request.param == "file" else request.getfixturevalue("http_root")
    page.goto(base + "search.html")
    page.wait_for_selector("body[data-search-done], #search-status:has-text('请输入')")
    page.base = base
    return page


@pytest.mark.parametrize("query", QUERIES)
def test_search_returns_exactly_the_articles_that_contain_the_query(search_page, articles, query):
    expected = containing(articles, query)
    assert expected, "the sample edition has articles for every test query"
    found = search(search_page, query)
    assert {r["url"] for r in found["results"]} == expected
    assert found["total"] == len(expected)
    for result in found["results"]:
        marked = [result["snippet"][a:b] for a, b in result["highlights"]]
        assert query in marked or query in result["title"] + result["kicker"] + result["subtitle"]


def test_results_show_title_date_publication_page_and_highlighted_snippet(search_page):
    search_page.goto(search_page.base + "search.html?q=" + quote("平湖好人"))
    search_page.wait_for_selector("body[data-search-done=true]")
    assert search_page.locator("#search-status").inner_text() == "找到 1 篇与“平湖好人”相符的文章，第 1 / 1 页"
    item = search_page.locator("#search-results li").first
    assert item.locator("h2 a").inner_text() == "平湖好人榜发布"
    assert item.locator(".meta").inner_text() == "2022年10月31日 · 平湖日报 · 第01版：要闻 · 记者 黄雨欣"
    assert item.locator("mark").first.inner_text() == "平湖好人"
    assert search_page.locator("#q").input_value() == "平湖好人"
    item.locator("h2 a").click()
    assert search_page.locator("h1").inner_text() == "平湖好人榜发布"
    search_page.go_back()
    search_page.wait_for_selector("body[data-search-done=true]")
    assert search_page.locator("#search-results li").count() == 1


def test_filters_narrow_results(search_page, articles):
    everything = {r["url"] for r in search(search_page, "党的二十大")["results"]}
    journal = search(search_page, "党的二十大", publication="lilun-journal")
    assert {r["url"] for r in journal["results"]} == containing(articles, "党的二十大") & {
        a.url for a, _ in articles if a.issue.publication.slug == "lilun-journal"}
    assert journal["results"] and len(journal["results"]) < len(everything)
    photos = search(search_page, "平湖", kind="photo")["results"]
    assert photos and {r["url"] for r in photos} == containing(articles, "平湖", kind="photo")
    dated = search(search_page, "平湖", **{"from": "2022-10-01", "to": "2022-11-30"})["results"]
    assert dated and all("2022-10-01" <= r["date"] <= "2022-11-30" for r in dated)
    assert {r["url"] for r in dated} == {u for u in containing(articles, "平湖") if "/2022/1" in u}
    column = search(search_page, "平湖", column="权威解读")["results"]
    assert {r["url"] for r in column} == containing(articles, "平湖", column="权威解读")
    section = search(search_page, "平湖", section="要闻")["results"]
    assert len(section) == len({u for u in containing(articles, "平湖") if "pinghu-daily" in u})


def test_sort_by_date(search_page):
    newest = [r["date"] for r in search(search_page, "平湖", sort="newest")["results"]]
    oldest = [r["date"] for r in search(search_page, "平湖", sort="oldest")["results"]]
    assert newest == sorted(newest, reverse=True) and oldest == sorted(oldest)
    assert newest[0] > oldest[0]


def test_title_matches_rank_first(search_page, articles):
    results = search(search_page, "社区")["results"]
    in_title = [normalize("社区") in normalize(r["title"] + r["kicker"] + r["subtitle"]) for r in results]
    assert any(in_title) and not all(in_title)
    assert in_title == sorted(in_title, reverse=True)


def test_pagination_offsets_do_not_overlap(search_page):
    first = search(search_page, "平湖", limit=5)
    second = search(search_page, "平湖", limit=5, offset=5)
    assert first["total"] == second["total"] > 10
    assert not {r["url"] for r in first["results"]} & {r["url"] for r in second["results"]}


def test_one_character_and_long_queries(search_page, articles):
    single = search(search_page, "埭")["results"]
    assert {r["url"] for r in single} == containing(articles, "埭")
    lead = next(text for a, text in articles if a.url.endswith("pinghu-haorenbang.html"))
    phrase = lead[lead.index("嘉兴市道德讲堂"):][:30]
    assert [r["url"] for r in search(search_page, phrase)["results"]] == sorted(containing(articles, phrase))


def test_no_match_gives_a_clear_message(search_page):
    search_page.goto(search_page.base + "search.html?q=" + quote("火星殖民地"))
    search_page.wait_for_selector("body[data-search-done=true]")
    assert "没有找到与“火星殖民地”相符的文章" in search_page.locator("#search-status").inner_text()
    assert search_page.locator("#search-results li").count() == 0


def test_markup_in_a_query_is_shown_as_text(search_page):
    payload = "<img src=x onerror=alert(1)>"
    search_page.goto(search_page.base + "search.html?q=" + quote(payload))
    search_page.wait_for_selector("body[data-search-done=true]")
    assert payload in search_page.locator("#search-status").inner_text()
    assert search_page.locator("main img").count() == 0
    assert search_page.dialogs == []


def test_keyboard_search_from_any_page(page, sample_site):
    page.goto(sample_site.as_uri() + "/pinghu-daily/2022/06/28/index.html")
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")  # site title
    while page.evaluate("document.activeElement.id") != "site-q":
        page.keyboard.press("Tab")
    page.keyboard.type("钟埭社区")
    page.keyboard.press("Enter")
    page.wait_for_selector("body[data-search-done=true]")
    assert "q=%E9%92%9F%E5%9F%AD%E7%A4%BE%E5%8C%BA" in page.url
    assert page.locator("#search-results li").count() >= 1


def test_article_keywords_link_to_a_search(page, sample_site):
    page.goto(sample_site.as_uri() + "/pinghu-daily/2022/10/31/pinghu-haorenbang.html")
    keyword = page.locator(".keywords a").first
    word = keyword.inner_text()
    keyword.click()
    page.wait_for_selector("body[data-search-done=true]")
    assert page.locator("#q").input_value() == word
    assert page.locator("#search-results li").count() >= 1


def test_results_arrive_progressively(search_page):
    calls = search_page.evaluate("""async () => { const seen = [];
        const final = await edition.search("平湖", {onProgress: r => seen.push(r.results.length)});
        return [seen, final.results.length]; }""")
    assert len(calls[0]) >= 2 and calls[0][0] > 0 and calls[0][-1] == calls[1]


def test_a_reporter_s_name_finds_her_articles(search_page, articles):
    found = search(search_page, "胡佳英")
    expected = {a.url for a, _ in articles if any(x.name == "胡佳英" for x in a.authors)}
    assert len(expected) == 4 and expected <= {r["url"] for r in found["results"]}
    assert {r["url"] for r in found["results"]} == containing(articles, "胡佳英")
    by_author = search(search_page, "作者:胡佳英")
    assert {r["url"] for r in by_author["results"]} == expected == \
        {r["url"] for r in search(search_page, "胡佳英", scope="author")["results"]}


def test_a_minus_excludes(search_page, articles):
    found = {r["url"] for r in search(search_page, "平湖 -钟埭")["results"]}
    assert found == containing(articles, "平湖") - containing(articles, "钟埭")
    assert found and containing(articles, "平湖") & containing(articles, "钟埭")


def test_quotes_make_an_exact_phrase_spaces_included(search_page, articles):
    phrase = "唯有实干争先 方能赢得未来"
    quoted = search(search_page, f'"{phrase}"')
    assert [r["url"] for r in quoted["results"]] == sorted(containing(articles, phrase)) != []
    assert search(search_page, '"唯有实干争先方能赢得未来"')["total"] == 0  # without its space: not the phrase
    assert search(search_page, '"唯有实干争先 方能')["total"] == quoted["total"]  # an unclosed quote runs to the end


def test_lunr_syntax_and_other_punctuation_mean_nothing(search_page):
    plain = search(search_page, "仲旭东")
    assert plain["total"] == 6
    for query in ("仲旭东^2", "仲旭东~1", "+仲旭东", "仲旭东*", "仲旭东?", "-", '"'):
        found = search(search_page, query)
        if query in ("-", '"'):
            assert found["total"] == 0
        else:
            assert [r["url"] for r in found["results"]] == [r["url"] for r in plain["results"]], query


def test_a_scope_word_searches_the_headline_only(search_page, articles):
    found = search(search_page, "标题:仲旭东")
    assert {r["url"] for r in found["results"]} == containing(articles, "仲旭东", "title")
    assert len(found["results"]) == 3
    assert search(search_page, "title:仲旭东")["total"] == 3
    assert search(search_page, "栏目:权威解读")["total"] == len(containing(articles, "权威解读", "column")) > 0


def test_the_total_is_exact_and_the_pages_agree(search_page, articles):
    expected = containing(articles, "中国式现代化")
    base = search_page.base + "search.html?q=" + quote("中国式现代化")
    search_page.goto(base)
    search_page.wait_for_selector("body[data-search-counted=true]")
    pages = -(-len(expected) // 10)
    status = search_page.locator("#search-status").inner_text()
    assert f"找到 {len(expected)} 篇" in status and f"第 1 / {pages} 页" in status, status
    search_page.goto(base + f"&page={pages}")
    search_page.wait_for_selector("body[data-search-counted=true]")
    assert search_page.locator("#search-results li").count() == len(expected) - 10 * (pages - 1)
    assert search_page.locator("#search-pager a[rel=next]").count() == 0


def test_the_scope_menu_searches_one_field(search_page, articles):
    search_page.goto(search_page.base + "search.html?scope=author&q=" + quote("胡佳英"))
    search_page.wait_for_selector("body[data-search-done=true]")
    assert search_page.locator("select[name=scope]").input_value() == "author"
    assert search_page.locator("#search-results li").count() == 4


def test_bad_url_parameters_are_read_as_meant_or_left_out_with_a_note(search_page, articles):
    """from=2022-6-1 is 1 June 2022; sort=__proto__ is an unknown order, said so, and the search runs."""
    search_page.goto(search_page.base + "search.html?q=" + quote("平湖") + "&from=2022-6-1&to=2022-10-31&sort=__proto__")
    search_page.wait_for_selector("body[data-search-done=true]")
    expected = {a.url for a, _ in articles if "2022-06-01" <= a.issue.date.isoformat() <= "2022-10-31"} & \
        containing(articles, "平湖")
    assert f"找到 {len(expected)} 篇" in search_page.locator("#search-status").inner_text()
    assert search_page.locator("input[name=from]").input_value() == "2022-06-01"
    assert search_page.locator("select[name=sort]").input_value() == "relevance"
    assert search_page.locator("#search-notice").inner_text() == "排序方式“__proto__”无法识别，已按相关度排序。"
    months = [re.match(r"2022年(\d+)月", m).group(1) for m in search_page.locator("#search-results .meta").all_inner_texts()]
    assert months and all(6 <= int(m) <= 10 for m in months)


def test_words_of_an_object_s_prototype_are_ordinary_queries(search_page):
    for query in ("constructor", "toString", "__proto__", "hasOwnProperty"):
        assert search(search_page, query)["total"] == 0, query
    assert search(search_page, "平湖", sort="__proto__", scope="constructor")["total"] == \
        search(search_page, "平湖")["total"]


@pytest.fixture(scope="module")
def foreign_site(tmp_path_factory):
    """The tiny edition with an article in other scripts, its body stored NFD as some editors save it."""
    import unicodedata

    from conftest import TINY, article, write
    from edition.cli import main

    root = tmp_path_factory.mktemp("foreign")
    body = unicodedata.normalize("NFD", "本报讯 ΣΟΦΌΣ 与 σοφός 在 Café Müller 读《한국어》，买了 ｶﾞｲﾄﾞﾌﾞｯｸ 和 ＡＢＣ 的 ﬁnal 版，寄往 Straße 与 Ἀθῆναι。")
    write(root / "content", {**TINY, "daily/2022-06-28/02/03-foreign.md": article("外文稿件", body)})
    assert main(["--content", str(root / "content"), "--out", str(root / "site"), "-q"]) == 0
    return root / "site"


@pytest.mark.parametrize("query, marked", [
    ("σοφοσ", ["ΣΟΦΌΣ", "σοφός"]), ("ΣΟΦΟΣ", ["ΣΟΦΌΣ", "σοφός"]), ("café", ["Café"]), ("MÜLLER", ["Müller"]),
    ("한국어", ["한국어"]), ("ガイドブック", ["ｶﾞｲﾄﾞﾌﾞｯｸ"]), ("STRASSE", ["Straße"]), ("αθηναι", ["Ἀθῆναι"]),
    ('"café müller"', ["Café Müller"])])
def test_text_stored_nfd_greek_and_half_width_kana_is_found_and_marked(page, foreign_site, query, marked):
    import unicodedata

    page.goto(foreign_site.as_uri() + "/search.html")
    page.wait_for_selector("#search-status:has-text('请输入')")
    found = search(page, query)
    assert [r["url"] for r in found["results"]] == ["daily/2022/06/28/foreign.html"], query
    result = found["results"][0]
    assert [unicodedata.normalize("NFC", result["snippet"][a:b]) for a, b in result["highlights"]] == marked
