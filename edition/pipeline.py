"""The build: scan → load → words → plan → produce → write → commit, and the build state.

One module runs the whole pipeline; the command line, ``serve``, ``bundle`` and
the tests call ``build``. Every stage returns its result and this module keeps
them in the build state (``edition/state.py``):

    scan      content files with their digests (unchanged files are not read)
    load      the site's settings; each changed issue folder in full, its
              changed files parsed (edition/load.py); every other issue by
              its summary and listings from the state
    words     关键词 and title words of the loaded articles   (edition/words.py)
    plan      every producer's groups of outputs, with keys   (edition/render.py,
              edition/search.py); the one diff rule picks what to produce,
              link, keep or delete                              (edition/outputs.py)
    produce   expand changed groups and make the changed outputs, on all cores
    write     into the spare (or an empty folder), then one atomic swap
                                                                (edition/writer.py)
    commit    the state's changes, so that it always matches the site in place

Besides the issues whose files changed, a build loads in full the issues whose
neighbours changed, whose titles contain a byline name that came or went, and
whose articles link to an index entry whose address changed: the pages of
those issues must be made again too. Producers may load more issues while
expanding a group (home, feeds, a search segment). Every other issue stays a
summary, so the cost of a build follows what changed, not the archive.

A build is full when there is no usable state (or ``--clean``): it writes into
an empty folder and a new state. Otherwise it is incremental, whatever changed:
a changed template or setting changes every key, so every issue is loaded and
every page produced, but nothing is parsed or segmented again that did not change.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import LUNR_JS, PROJECT, indexes, parallel, sitecheck, urls
from .errors import ContentError, EnvironmentFault, Problem
from .load import RECORD_VERSION, Content, Issues, LoadedIssue, article_from_record, check_site, link_neighbours
from .model import Fetched, Issue, IssueSummary
from .outputs import Decision, Group, Missing, Output, Row, decide, digest, stale
from .scan import Scan, file_digest, scan
from .state import BuildLock, Delta, State, StateUnusable, new_state, pending_state, save_pending
from .words import Segmenter, read_dictionary, words
from .writer import SiteWriter, built_id, changed_folders, remove_leftovers

CODE_SUFFIXES = (".py", ".txt")  # the package's code and its data (stopwords.txt)
PAGE_SECONDS = 0.001  # rendering one page, for parallel.map


@dataclass(frozen=True)
class Options:
    content: Path
    out: Path
    templates: Path = PROJECT / "templates"
    base_url: str | None = None
    clean: bool = False
    strict: bool = False
    jobs: int = 1
    progress: bool = False  # show a progress bar while producing
    drafts: bool = False  # build articles marked draft: true (Hugo's --buildDrafts); `serve` turns it on


@dataclass
class Result:
    """What a build did, for the command line to print."""

    counts: str  # "built 5 issues, 52 articles, 4 版面"
    files: int = 0  # in the site
    written: int = 0
    removed: int = 0
    full: bool = True
    nothing_changed: bool = False
    warnings: list = field(default_factory=list)
    note: str = ""  # why the build was a full one, when it had a state it could not use
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)
    kinds: dict[str, int] = field(default_factory=dict)  # files produced, by output kind
    loaded: int = 0  # issues loaded in full
    cleared: list = field(default_factory=list)  # folders of killed builds that this one removed


class Resources:
    """What is worth keeping between builds in one process (``serve``): jieba's dictionary."""

    def __init__(self):
        self.segmenter = Segmenter()


def open_library(folder: Path, base_url: str | None = None) -> "Library":
    """What producers read of a whole content folder, without any build state (tools and tests)."""
    run = _Build(Options(content=Path(folder), out=Path(folder) / "unused"), Resources())
    content = Content(scan(str(folder)), base_url)
    return run._library(content, {"global": "", "parse": "", "words": ""}, {})[0]


def state_path(out: Path) -> Path:
    """The build state lives beside the output, never in it: the site is uploaded as it is."""
    out = Path(out).absolute()
    return out.parent / ".edition-cache" / f"{out.name}.state"


def build(options: Options, resources: Resources | None = None) -> Result:
    """Build the site; raise ContentError (the old site untouched) when the content has errors.

    An output folder that is a symbolic link is followed: the site is built where it points,
    and the link stays (swapping a folder in would replace the link itself)."""
    if Path(options.out).is_symlink():
        options = dataclasses.replace(options, out=Path(options.out).resolve())
    try:
        with BuildLock(state_path(options.out)):
            return _Build(options, resources or Resources()).run()
    except sqlite3.OperationalError as exc:  # the disk, not the state's contents: those make a full build
        raise EnvironmentFault(f"cannot write the build state {state_path(options.out)}: {exc}") from exc


class Library:
    """What producers read of the site: every issue's summary, issues in full (loaded when first
    asked for), bodies and words (fetched when first asked for), and the index entries."""

    def __init__(self, content: Content, loader: Issues, summaries: dict[str, IssueSummary], stored: dict,
                 loaded: dict[str, LoadedIssue], state: State | None, out: Path, old_files: dict):
        self.content, self.site, self.loader, self.state = content, content.site, loader, state
        self.out, self.old_files = out, old_files  # the live site, and the content files of the last build
        self.summaries, self.stored = summaries, stored
        self._issues = {i: one.issue for i, one in loaded.items()}
        self.loaded = set(loaded)  # the issues whose group the build must key
        link_neighbours(self.site, self._issues)
        self.entries: dict[str, indexes.Entry] = {}
        self.pinyin: dict[str, str] = {}  # of every entry's name
        self.changed_entries: set[str] = set()
        self.fresh_listings: dict[str, dict] = {i: one.listings for i, one in loaded.items()}
        self.words_digests: dict[str, str] = {}
        self.words = self.bodies = Fetched({})

    def add(self, loaded: dict[str, LoadedIssue]) -> None:
        """Issues the build loaded because their pages must be made again (their group keyed)."""
        self._issues.update({i: one.issue for i, one in loaded.items()})
        self.loaded |= set(loaded)
        link_neighbours(self.site, self._issues)

    def loaded_articles(self) -> list:
        return [a for i in sorted(self.loaded) for a in self._issues[i].articles]

    def issue(self, issue_id: str) -> Issue:
        return self.issues([issue_id])[issue_id]

    def issues(self, ids: list[str]) -> dict[str, Issue]:
        missing = [i for i in ids if i not in self._issues]
        if missing:
            self._issues.update({i: one.issue for i, one in self.loader.load(missing).items()})
            link_neighbours(self.site, self._issues)
        return {i: self._issues[i] for i in ids}

    # -- what the last build left, for producers that update their files instead of remaking them --

    def previous_result(self, group_id: str):
        """The result the group's last expansion left in the build state, or None."""
        return self.state.result(group_id) if self.state else None

    def previous_files(self, group_id: str) -> dict[str, str]:
        """The group's files in the live site, with their keys (the build state's rows)."""
        if not self.state:
            return {}
        return {p: r.live for p, r in self.state.outputs(groups=[group_id]).items() if r.live is not None}

    def read_live(self, site_path: str) -> bytes | None:
        try:
            with open(os.path.join(self.out, site_path), "rb") as handle:
                return handle.read()
        except FileNotFoundError:
            return None

    def previous_articles(self, articles: list) -> list | None:
        """These articles as the last build read them: (article, text, title words) each, or None
        when the state lacks one or its issue.yml changed since (its 版面 may have other names)."""
        if not self.state:
            return None
        root = len(self.content.scan.root) + 1
        rels = [a.source[root:] for a in articles]
        records = self.state.records(rels)
        bodies, words = self.state.bodies(rels), self.state.words(rels)
        found = []
        for article, rel in zip(articles, rels):
            meta = article.issue.id + "/issue.yml"
            if rel not in records or rel not in bodies or rel not in words or \
                    self.old_files.get(meta, ("",))[-1] != self.content.scan.files[meta].digest:
                return None
            old = article_from_record(records[rel][1], article.source, article.issue, article.page)
            found.append((old, bodies[rel].text, words[rel].title_words))
        return found

    def words_digest(self, issue_id: str) -> str:
        return self.words_digests[issue_id]

    def author_url(self, name: str) -> str:
        return self.entries[f"author\x1f\x1f{name}"].page_url(1)

    def column_url(self, pub: str, name: str) -> str | None:
        entry = self.entries.get(f"column\x1f{pub}\x1f{name}")
        return entry.page_url(1) if entry else None

    def items(self, entry_id: str) -> list:
        """What an entry lists, newest first, from every issue."""
        found = {i: items for (_, i), items in (self.state.listings(entries=[entry_id]).items() if self.state else ())
                 if i not in self.fresh_listings and i in self.summaries}
        found.update({i: listed[entry_id] for i, listed in self.fresh_listings.items() if entry_id in listed})
        return indexes.newest_first(found, self.summaries)


class _Build:
    def __init__(self, options: Options, resources: Resources):
        self.o, self.resources = options, resources
        self.stages: dict[str, float] = {}
        self.started = self.mark = time.perf_counter()
        self.state: State | None = None
        self.old_files: dict = {}
        self.note = ""
        self.cleared: list[str] = []

    def stage(self, name: str) -> None:
        now = time.perf_counter()
        self.stages[name] = self.stages.get(name, 0.0) + now - self.mark
        self.mark = now

    def run(self) -> Result:
        try:
            return self._run()
        finally:
            if self.state is not None:
                self.state.close()

    def _run(self) -> Result:
        o = self.o
        path = state_path(o.out)
        self.cleared = remove_leftovers(o.out)
        site_id = built_id(o.out)
        if not o.clean:
            try:
                self.state = State.open_for(path, site_id, str(o.out.absolute()))
            except StateUnusable as exc:
                self.note = str(exc) if site_id or path.exists() else ""
        state = self.state
        old_files = self.old_files = state.files() if state else {}
        tree_scan = scan(str(o.content), old_files)
        code = _code_key(o.templates)
        self.stage("scan")
        keys = self._keys(tree_scan, code)
        tree = tree_scan.digest()
        if state and state.meta("global") == keys["global"] and state.meta("tree") == tree and \
                not changed_folders(o.out, state.folders(site_id) or {"": -1}):
            return self._nothing_changed(state, tree_scan)

        content = Content(tree_scan, o.base_url)
        site = content.site
        old = state.issues() if state else {}
        library, fresh, known_words, word_rows = self._library(content, keys, old)

        from .render import Pages
        from .search import Search

        pages = Pages(library, o.templates, code["assets"], code["all"], bytecode=self._bytecode_folder(path))
        groups = list(pages.groups()) + list(Search(library, code["code"]).groups())
        self.stage("plan")

        full = state is None
        spare = "" if full else state.meta("spare")
        writer = SiteWriter(o.out, spare, state.folders(state.meta("spare_folders")) if spare else None)
        writer.open()
        try:
            decision, expansions, rows = self._decide(groups, library.stored, writer)
            self._check_paths(decision, rows, content)
            self.stage("plan")
            produced = self._produce(decision, writer, library.bodies)
            for site_path in decision.link:
                writer.link(site_path)
            writer.delete(decision.delete)
            self.stage("write")
            delta = self._delta(content, old_files, old, fresh, library, known_words, word_rows, groups,
                                expansions, decision, rows, full)
            total, name, removed, build_id = _tally(decision, rows, state)
            summaries = library.summaries
            counts = (f"built {len(summaries)} issues, {sum(s.articles for s in summaries.values())} articles, "
                      f"{sum(s.pages for s in summaries.values())} 版面")
            delta.meta.update(version_meta(keys, tree, build_id, site_id if not full else build_id, total, counts,
                                           site.warnings, str(o.out.absolute())))
            delta.meta["sum"] = name
            self._commit(path, writer, delta, site_id, build_id, full)
        except BaseException:
            writer.abort()
            raise
        self.stage("commit")
        kinds: dict[str, int] = {}
        for output in produced:
            kinds[output.kind] = kinds.get(output.kind, 0) + 1
        return Result(counts, total, writer.written, removed, full, False, site.warnings, self.note,
                      time.perf_counter() - self.started, self.stages, kinds, len(library.loaded), self.cleared)

    # -- stages ------------------------------------------------------------------------------

    def _library(self, content: Content, keys: dict, old: dict):
        """Load what changed, check it, and give producers the site: the load and words stages."""
        o, state, site = self.o, self.state, content.site
        same = {name: bool(state) and state.meta(name) == keys[name] for name in ("global", "parse", "words")}
        records = state.parsed if same["parse"] else (lambda ids: {})
        loader = Issues(content, records, o.jobs, o.drafts)
        dirty = [i for i in content.digests if not same["global"] or i not in old or old[i][0] != content.digests[i]]
        fresh = loader.load(dirty)
        self._check(content, fresh, old)
        left_out = {i for i, one in fresh.items() if one.issue is None}  # every article a draft (errors raised)
        fresh = {i: one for i, one in fresh.items() if one.issue is not None}
        summaries = {i: fresh[i].summary if i in fresh else old[i][2] for i in content.digests
                     if i in fresh or i in old and i not in left_out}
        self.stage("load")

        names = {n for s in summaries.values() for n in s.names}
        old_names = {n for _, _, s in old.values() for n in s.names} if same["words"] else set()
        library = Library(content, loader, summaries, state.groups() if state else {}, fresh, state, o.out,
                          self.old_files)
        extra = self._entries(library, fresh, old, same["global"])
        extra |= self._neighbours(site, old)
        if state and names != old_names:
            extra |= {rel[:rel.find("/", rel.find("/") + 1)] for rel in state.titles_containing(names ^ old_names)}
        extra = {i for i in extra if i in summaries and i not in fresh}
        also = loader.load(sorted(extra))
        library.add(also)
        self.stage("load")

        rel_of = {content.shown(rel): rel for one in (*fresh.values(), *also.values()) for rel in one.records}
        library.bodies = Fetched({s: b for one in fresh.values() for s, b in one.bodies.items()},
                                 self._fetch(lambda rels: state.bodies(rels), content) if state else None)
        articles = library.loaded_articles()
        known_words = {content.shown(r): w for r, w in state.words([rel_of[a.source] for a in articles]).items()} \
            if same["words"] else {}
        fresh_sources = {content.shown(rel) for one in fresh.values() for rel in one.parsed}
        dictionary = read_dictionary(content.shown("dict.txt"), content.scan.read("dict.txt")
                                     if content.is_file("dict.txt") else None)
        word_rows = words(articles, library.bodies, known_words, fresh_sources, dictionary, names,
                          names ^ old_names, self.resources.segmenter, o.jobs)
        library.words = Fetched(word_rows, self._fetch(lambda rels: state.words(rels), content) if state else None)
        for issue_id in library.loaded:
            issue = library.issue(issue_id)
            library.words_digests[issue_id] = digest([(a.source[len(content.scan.root):], word_rows[a.source].keywords,
                                                       word_rows[a.source].title_words) for a in issue.articles])
        for issue_id, (_, words_digest, _) in old.items():
            library.words_digests.setdefault(issue_id, words_digest)
        self.stage("words")
        return library, fresh, known_words, word_rows

    def _keys(self, tree_scan: Scan, code: dict) -> dict[str, str]:
        """What invalidates what: code invalidates parsed records; code and dict.txt, words; those,
        templates, settings, the base URL and ``--drafts``, every page (the global key)."""
        files = tree_scan.files
        parse = digest(RECORD_VERSION, code["code"])
        words_key = digest(parse, files["dict.txt"].digest if "dict.txt" in files else None)
        settings = [(rel, e.digest) for rel, e in files.items()
                    if rel == "site.yml" or rel.endswith("/publication.yml") and rel.count("/") == 1]
        return {"parse": parse, "words": words_key,
                "global": digest(code["all"], settings, words_key, self.o.base_url, self.o.drafts)}

    def _check(self, content: Content, fresh: dict, old: dict) -> None:
        """Every problem of the content: raise ContentError for errors, keep the warnings."""
        site = content.site
        problems = content.problems.items + [p for one in fresh.values() for p in one.problems]
        summaries = {}
        for issue_id in content.digests:
            if issue_id in fresh:
                if fresh[issue_id].summary is not None:
                    summaries[issue_id] = fresh[issue_id].summary
            elif issue_id in old:  # unchanged: its warnings are those of the last build
                summaries[issue_id] = old[issue_id][2]
                problems += [Problem(content.shown(rel), line, message, "warning")
                             for rel, line, message in old[issue_id][2].warnings]
        problems += check_site(content, summaries)
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            raise ContentError(sorted(errors))
        site.warnings = sorted(p for p in problems if p.severity == "warning")
        if self.o.strict and site.warnings:
            raise ContentError(site.warnings)

    def _neighbours(self, site, old: dict) -> set[str]:
        """Issues whose neighbour (shown on their pages as 上一期 / 下一期) is another than before."""
        before = {}
        for pub in site.publications:
            mine = sorted((s for _, _, s in old.values() if s.publication == pub.slug), key=lambda s: s.date)
            for prev, summary, nxt in zip([None, *mine], mine, [*mine[1:], None]):
                before[summary.id] = tuple((x.url, x.date) if x else None for x in (prev, nxt))
        changed = set()
        for pub in site.publications:
            for prev, summary, nxt in zip([None, *pub.issues], pub.issues, [*pub.issues[1:], None]):
                if before.get(summary.id) != tuple((x.url, x.date) if x else None for x in (prev, nxt)):
                    changed.add(summary.id)
        return changed

    def _entries(self, library: Library, fresh: dict, old: dict, same_global: bool) -> set[str]:
        """The index entries, with their addresses; returns the unchanged issues that link to an
        entry whose address changed."""
        state = self.state
        stored = state.entries() if state else {}
        gone = [i for i in old if i not in library.summaries]
        before = state.listings(issues=[*fresh, *gone]) if state else {}
        counts = {e: c for e, (c, _, _) in stored.items()}
        for (entry, _), items in before.items():
            counts[entry] -= len(items)
        after = {(entry, i): items for i, listed in library.fresh_listings.items() for entry, items in listed.items()}
        for (entry, _), items in after.items():
            counts[entry] = counts.get(entry, 0) + len(items)
        changed = {entry for entry, i in before.keys() | after.keys() if before.get((entry, i)) != after.get((entry, i))}
        counts = {e: c for e, c in counts.items() if c > 0}
        pinyin = {e: p for e, (_, p, _) in stored.items() if e in counts}
        new = sorted(e for e in counts if e not in pinyin)
        if new:
            found = indexes.pinyin_slugs({e.split("\x1f")[2] for e in new})
            pinyin.update({e: found[e.split("\x1f")[2]] for e in new})
        library.entries = indexes.resolve(pinyin, counts)
        moved = {e for e, entry in library.entries.items() if stored.get(e, (0, "", ""))[2] != entry.page_url(1)}
        library.changed_entries = changed | moved if same_global else set(library.entries)
        library.pinyin = pinyin
        if not moved or not state:
            return set()
        return {i for _, i in state.listings(entries=sorted(moved))}

    def _fetch(self, read, content: Content):
        """Values by article source from the state, which keys them by content path."""
        root = len(content.scan.root) + 1
        return lambda sources: {content.shown(rel): value for rel, value in read([s[root:] for s in sources]).items()}

    def _nothing_changed(self, state: State, tree_scan: Scan) -> Result:
        warnings = [Problem(*w) for w in json.loads(state.meta("warnings", "[]"))]
        if self.o.strict and warnings:
            raise ContentError(warnings)
        restated = {rel: e for rel, e in tree_scan.files.items() if self.old_files.get(rel) != e}
        if restated:  # files read again (changed just before the last scan, or touched): trust them now
            state.apply(Delta(files=restated))
        return Result(state.meta("counts"), int(state.meta("files")), full=False, nothing_changed=True,
                      warnings=warnings, seconds=time.perf_counter() - self.started, stages=self.stages,
                      cleared=self.cleared)

    @staticmethod
    def _bytecode_folder(path: Path) -> Path:
        folder = path.parent / "templates"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def _decide(self, groups: list[Group], known: dict, writer: SiteWriter):
        """Expand the groups whose key changed (and any whose files went missing), then decide,
        reading the state's rows of only the files that can need anything."""
        state, out = self.state, str(self.o.out)
        rows: dict[str, Row] = {}
        if state:
            if writer.reused:  # files the last build changed, and those where someone changed the spare
                rows.update(state.stale_outputs())
                rows.update(state.outputs(folders=list(writer.changed)))
            else:  # every file of the new site comes from the live site
                rows.update(state.outputs())
            current = {g.id for g in groups}
            rows.update(state.outputs(groups=[g for g in known if g not in current]))
        in_live = (lambda p: False) if state is None else (lambda p: os.path.isfile(os.path.join(out, p)))
        todo = stale(groups, known)
        expansions: dict[str, object] = {}
        by_id = {g.id: g for g in groups}
        while True:
            self._expand(todo, expansions)
            if state:
                rows.update(state.outputs(groups=[g.id for g in todo],
                                          paths=[o.path for g in todo for o in expansions[g.id].outputs]))
            outputs = {gid: e.outputs for gid, e in expansions.items()}
            try:
                return decide(groups, outputs, rows, writer.in_spare, writer.strays(), in_live), expansions, rows
            except Missing as missing:
                todo = [by_id[g] for g in missing.groups]

    def _check_paths(self, decision: Decision, rows: dict[str, Row], content: Content) -> None:
        """Refuse the site paths this build adds that ``check --site`` would report as errors (case
        and normalisation collisions with what stays of the site, device names, 240 characters),
        each named by the content file it comes from. (Long-path warnings are ``check --site``'s:
        a build sees only the paths it adds, so its warnings would depend on how it was built.)"""
        added = [p for p, (_, key) in decision.files.items() if key is not None and (p not in rows or
                                                                                   rows[p].live is None)]
        if not added:
            return
        leaving = {p for p, (_, key) in decision.files.items() if key is None}
        candidates, folders = set(added), set()
        if self.state:
            above = {"/".join(p.split("/")[:n]) for p in added for n in range(p.count("/") + 1)}
            above |= {p[:max(p.rfind("/"), 0)] for p in leaving}
            there = self.state.outputs(folders=sorted(above))
            staying = {p for p, row in there.items() if p not in leaving and (row.live is not None or p in candidates)}
            candidates |= staying
            kept = {p[:max(p.rfind("/"), 0)] for p in staying | candidates}
            folders = {d for d in self.state.dirs() if d not in above or d in kept}  # not those emptied now
        errors = sitecheck.path_problems(candidates, [], folders)
        if not errors:
            return
        sources = {o.path: o.source or (o.bodies[0].source if o.bodies else "") for o in decision.produce}
        problems = []
        for text in errors:
            site_path, _, message = text.partition(": ")
            names = set(text.replace(":", " ").split())  # the paths the problem names
            named = sorted((-k, a) for a in added if sources.get(a) for k in range(1, a.count("/") + 2)
                           if "/".join(a.split("/")[:k]) in names)
            where = sources[named[0][1]] if named else str(content.scan.root)
            problems.append(Problem(where, 1, message if site_path in message else f"the site path {site_path}: {message}"))
        raise ContentError(problems)

    def _expand(self, todo: list[Group], expansions: dict) -> None:
        """Expand groups: the heavy ones (search segments) on all cores, after what they read is loaded."""
        mark = time.perf_counter()
        heavy = [g for g in todo if g.heavy]
        for group in heavy:
            if group.prepare:
                group.prepare()
        for group, expansion in zip(heavy, parallel.imap(lambda g: g.expand(), heavy, self.o.jobs,
                                                         each=sum(g.seconds for g in heavy) / max(len(heavy), 1))):
            expansions[group.id] = expansion
        searched = time.perf_counter() - mark
        self.stages["search"] = self.stages.get("search", 0.0) + searched
        self.mark += searched
        for group in todo:
            if not group.heavy:
                expansions[group.id] = group.expand()

    def _produce(self, decision: Decision, writer: SiteWriter, bodies: Fetched) -> list[Output]:
        """Make every output the decision names, on all cores, writing each as it comes."""
        made = [o for o in decision.produce if o.produce is not None]
        bodies.load([a for o in made for a in o.bodies])
        for output in decision.produce:  # writing the search index's files is part of making it
            if output.produce is None and output.data is not None:
                writer.write(output.path, output.data)
        self.stage("search")
        for output in decision.produce:
            if output.produce is None and output.data is None:
                writer.copy(output.path, output.source)
        self.stage("write")
        results = parallel.imap(lambda o: o.produce(), made, self.o.jobs, each=PAGE_SECONDS)
        if self.o.progress:
            from tqdm import tqdm

            results = tqdm(results, total=len(made), desc="pages", unit="page", leave=False)
        for output, data in zip(made, results):
            writer.write(output.path, data)
        self.stage("render")
        return decision.produce

    def _delta(self, content: Content, old_files: dict, old: dict, fresh: dict[str, LoadedIssue], library: Library,
               known_words: dict, word_rows: dict, groups: list[Group], expansions: dict, decision: Decision,
               rows: dict, full: bool) -> Delta:
        """The rows of the state that this build changes."""
        state = self.state
        delta = Delta()
        scan_files = content.scan.files
        delta.files = {rel: e for rel, e in scan_files.items() if old_files.get(rel) != e}
        delta.delete("files", old_files.keys() - scan_files.keys())
        root = len(content.scan.root) + 1
        gone = [i for i in old if i not in library.summaries]
        for issue_id, one in fresh.items():
            delta.parsed.update((rel, one.records[rel]) for rel, parsed in one.parsed.items() if rel in one.records)
            delta.bodies.update((source[root:], body) for source, body in one.bodies.items())
            delta.listings.update(((entry, issue_id), items) for entry, items in one.listings.items())
        if state:
            built = {source[root:] for source in word_rows}
            for issue_id in [*fresh, *gone]:
                kept = set(fresh[issue_id].records) if issue_id in fresh else set()
                for table in ("parsed", "bodies", "words"):  # a draft left out keeps no words: they are
                    # made again with the names of the bylines of the day it is built
                    delta.delete(table, state.keys(table, prefix=issue_id + "/") - (kept & built if table == "words"
                                                                                     else kept))
            delta.delete("listings", [*fresh, *gone])
            delta.delete("issues", gone)
        delta.words = {source[root:]: row for source, row in word_rows.items() if known_words.get(source) != row}
        for issue_id in library.loaded:
            summary = library.summaries[issue_id]
            words_digest = library.words_digests[issue_id]
            if old.get(issue_id, ("", "", None))[1:] != (words_digest, summary):
                delta.issues[issue_id] = (words_digest, summary)
        stored = state.entries() if state else {}
        for entry_id, entry in library.entries.items():
            row = (entry.count, library.pinyin[entry_id], entry.page_url(1))
            if stored.get(entry_id) != row:
                delta.entries[entry_id] = row
        delta.delete("entries", stored.keys() - library.entries.keys())
        known_groups = library.stored
        for group in groups:
            if known_groups.get(group.id) != group.key or group.id in expansions:
                result = expansions[group.id].result if group.id in expansions else None
                delta.groups[group.id] = (group.key, result)
        delta.delete("groups", known_groups.keys() - {g.id for g in groups})
        for site_path, (group, key) in decision.files.items():
            old_row = rows.get(site_path)
            spare_key = key if full else (old_row.live if old_row else None)
            if key is None and spare_key is None:
                delta.delete("outputs", [site_path])  # in neither folder after this build
            else:
                delta.outputs[site_path] = Row(group, key, spare_key)
        return delta

    def _commit(self, path: Path, writer: SiteWriter, delta: Delta, site_id: str, build_id: str,
                full: bool) -> None:
        """Swap the new site in and make the state match it, safe against a kill at any moment."""
        state = self.state

        def before_live(times: dict, copy: dict | None) -> None:
            """Save the state of the new site before it goes live: a new database, or the changes."""
            spare_folders = (build_id + "+copy" if copy is not None else "") if full else site_id
            delta.folders[build_id] = times
            if copy is not None:
                delta.folders[spare_folders] = copy
            delta.meta["spare_folders"] = spare_folders
            if state:
                delta.delete("folders", state.keys("folders") - {build_id, spare_folders})
            if full:
                new = State.create(new_state(path))
                try:
                    new.apply(delta)
                finally:
                    new.close()
            else:
                save_pending(path, site_id, build_id, delta)

        writer.commit(build_id, before_live, keep_old=not full)
        if full:
            os.replace(new_state(path), path)
            return
        state.apply(delta)
        pending_state(path).unlink(missing_ok=True)


def _tally(decision: Decision, rows: dict, state: State | None) -> tuple[int, str, int, str]:
    """The new site's file count, the sum that names it, the files removed, and its build id.

    The id is a sum (modulo 2**128) of a hash of every (path, key) of the site, kept in the
    state, so a build updates it from the files it changed and it equals a clean build's.
    """
    total = int(state.meta("files", "0")) if state else 0
    sum_ = int(state.meta("sum", "0")) if state else 0
    removed = 0
    for site_path, (_, key) in decision.files.items():
        old = rows.get(site_path)
        before = old.live if old else None
        if before == key:
            continue
        if before is not None:
            sum_ -= _hash(site_path, before)
            total -= 1
            removed += key is None
        if key is not None:
            sum_ += _hash(site_path, key)
            total += 1
    sum_ %= 1 << 128
    return total, str(sum_), removed, f"{sum_:032x}"


def _hash(site_path: str, key: str) -> int:
    return int(digest(site_path, key), 16)


def version_meta(keys: dict, tree: str, build_id: str, spare: str, files: int, counts: str, warnings: list,
                 out: str) -> dict[str, str]:
    return {**keys, "tree": tree, "build": build_id, "spare": spare, "files": str(files), "counts": counts,
            "out": out,
            "warnings": json.dumps([(w.path, w.line, w.message, w.severity) for w in warnings], ensure_ascii=False)}


def _code_key(templates: Path) -> dict:
    """Digests of the build's code, templates and lunr.js: each file read and hashed once."""
    code = scan(str(PROJECT / "edition"))
    theme = scan(str(templates))
    code_files = [(rel, e.digest) for rel, e in code.files.items() if rel.endswith(CODE_SUFFIXES)]
    lunr_digest = file_digest(str(LUNR_JS))
    assets = {urls.asset(rel.removeprefix("assets/")): (theme.path(rel), e.digest)
              for rel, e in theme.files.items() if rel.startswith("assets/")}
    assets[urls.asset("search/lunr.min.js")] = (str(LUNR_JS), lunr_digest)
    return {"code": digest(code_files),
            "all": digest(code_files, sorted((rel, e.digest) for rel, e in theme.files.items()), lunr_digest),
            "assets": assets}
