"""The build: scan → load → words → plan → produce → write → commit, and the build state.

One module runs the whole pipeline; the command line, ``serve``, ``bundle`` and
the tests call ``build``. Every stage returns its result and this module keeps
them in the build state (``edition/state.py``):

    scan      content files with their digests (unchanged files are not read)
    load      parsed records (changed files only) → the model  (edition/load.py)
    words     关键词 and title words (changed articles, and titles with a new name)
    plan      every producer's groups of outputs, with keys   (edition/render.py,
              edition/search.py); the one diff rule picks what to produce,
              link, keep or delete                              (edition/outputs.py)
    produce   expand changed groups and make the changed outputs, on all cores
    write     into the spare (or an empty folder), then one atomic swap
                                                                (edition/writer.py)
    commit    the state's changes, so that it always matches the site in place

A build is full when there is no usable state (or ``--clean``): it writes into
an empty folder and a new state. Otherwise it is incremental, whatever changed:
a changed template or setting changes every key, so every page is produced,
but nothing is parsed or segmented again that did not change.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import LUNR_JS, PROJECT, parallel, urls
from .errors import ContentError, Problem
from .load import RECORD_VERSION, Loaded, load
from .model import Bodies
from .outputs import Decision, Group, Missing, Output, Row, decide, digest, stale
from .scan import Scan, file_digest, scan
from .state import BuildLock, Delta, State, StateUnusable, new_state, pending_state, save_pending
from .words import Segmenter, WordRow, byline_names, read_dictionary, words
from .writer import SiteWriter, built_id, listing, remove_leftovers

CODE_SUFFIXES = (".py",)


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


class Resources:
    """What is worth keeping between builds in one process (``serve``): jieba's dictionary."""

    def __init__(self):
        self.segmenter = Segmenter()


def state_path(out: Path) -> Path:
    """The build state lives beside the output, never in it: the site is uploaded as it is."""
    out = Path(out).absolute()
    return out.parent / ".edition-cache" / f"{out.name}.state"


def build(options: Options, resources: Resources | None = None) -> Result:
    """Build the site; raise ContentError (the old site untouched) when the content has errors."""
    with BuildLock(state_path(options.out)):
        return _Build(options, resources or Resources()).run()


class _Build:
    def __init__(self, options: Options, resources: Resources):
        self.o, self.resources = options, resources
        self.stages: dict[str, float] = {}
        self.started = self.mark = time.perf_counter()
        self.state: State | None = None
        self.note = ""

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
        remove_leftovers(o.out)
        site_id = built_id(o.out)
        if not o.clean:
            try:
                self.state = State.open_for(path, site_id, str(o.out.absolute()))
            except StateUnusable as exc:
                self.note = str(exc) if site_id or path.exists() else ""
        state = self.state
        old_files = state.files() if state else {}
        content = scan(str(o.content), old_files)
        code = _code_key(o.templates)
        self.stage("scan")
        dictionary_raw = content.data.get("dict.txt") if "dict.txt" in content.files else None
        if dictionary_raw is None and "dict.txt" in content.files:
            dictionary_raw = content.read("dict.txt")
        parse_key = digest(RECORD_VERSION, code["code"])
        words_key = digest(parse_key, content.files["dict.txt"].digest if "dict.txt" in content.files else None)
        settings = [(rel, content.files[rel].digest) for rel in content.files
                    if rel == "site.yml" or rel.endswith("/publication.yml") and rel.count("/") == 1]
        global_key = digest(code["all"], settings, words_key, o.base_url)
        tree = content.digest()
        if state and state.meta("global") == global_key and state.meta("tree") == tree and \
                len(listing(o.out)) == int(state.meta("files", "-1")):
            return self._nothing_changed(state)

        cache = state.parsed() if state and state.meta("parse") == parse_key else {}
        loaded = load(content, cache, o.base_url, o.jobs)
        site = loaded.site
        if o.strict and site.warnings:
            raise ContentError(site.warnings)
        fresh_rels = set(loaded.parsed)
        rel_of = {content.path(rel): rel for rel in loaded.records}
        bodies = Bodies(loaded.bodies, self._fetch_bodies(rel_of))
        self.stage("load")

        articles = site.articles
        dictionary = read_dictionary(content.path("dict.txt"), dictionary_raw)
        names = byline_names(articles)
        words_valid = state is not None and state.meta("words") == words_key
        old_names = state.names() if words_valid else set()
        known_words = {content.path(rel): row for rel, row in state.words().items()} if words_valid else {}
        word_rows = words(articles, bodies, known_words, {content.path(r) for r in fresh_rels}, dictionary, names,
                          names ^ old_names, self.resources.segmenter, o.jobs)
        self.stage("words")

        from . import indexes
        from .render import Pages
        from .search import Search

        old_slugs = state.slugs() if state else {}
        wanted = indexes.index_names(site)
        new_slugs = indexes.pinyin_slugs(sorted(wanted - old_slugs.keys())) if wanted - old_slugs.keys() else {}
        slugs = {**old_slugs, **new_slugs}
        assets = code["assets"]
        pages = Pages(site, o.templates, assets, bodies, word_rows, slugs, code["all"],
                      bytecode=self._bytecode_folder(path))
        groups = list(pages.groups()) + list(Search(site, bodies, word_rows).groups())
        self.stage("plan")

        full = state is None
        writer = SiteWriter(o.out, "" if full else state.meta("spare"))
        rows = state.outputs() if state else {}
        known_groups = state.groups() if state else {}
        writer.open()
        try:
            decision, expansions = self._decide(groups, known_groups, rows, writer, bodies)
            produced = self._produce(decision, writer, bodies)
            kinds: dict[str, int] = {}
            for output in produced:
                kinds[output.kind] = kinds.get(output.kind, 0) + 1
            for site_path in decision.link:
                writer.link(site_path)
            writer.delete(decision.delete)
            self.stage("write")
            delta = self._delta(content, old_files, loaded, rel_of, word_rows, known_words, names, old_names,
                                new_slugs, wanted, groups, known_groups, expansions, decision, rows, full)
            build_id = digest(sorted(decision.files.items()))
            counts = (f"built {len(site.issues)} issues, {len(articles)} articles, "
                      f"{sum(len(i.pages) for i in site.issues)} 版面")
            removed = len({p for p, r in rows.items() if r.live is not None} - decision.files.keys())
            delta.meta.update(version_meta(global_key, parse_key, words_key, tree, build_id, site_id if not full
                                           else build_id, len(decision.files), counts, site.warnings))
            delta.meta["out"] = str(o.out.absolute())
            self._commit(path, writer, delta, site_id, build_id, full)
        except BaseException:
            writer.abort()
            raise
        self.stage("commit")
        return Result(counts, len(decision.files), writer.written, removed, full, False, site.warnings, self.note,
                      time.perf_counter() - self.started, self.stages, kinds)

    # -- stages ------------------------------------------------------------------------------

    def _nothing_changed(self, state: State) -> Result:
        import json

        warnings = [Problem(*w) for w in json.loads(state.meta("warnings", "[]"))]
        if self.o.strict and warnings:
            raise ContentError(warnings)
        return Result(state.meta("counts"), int(state.meta("files")), full=False, nothing_changed=True,
                      warnings=warnings, seconds=time.perf_counter() - self.started, stages=self.stages)

    def _fetch_bodies(self, rel_of: dict[str, str]) -> Callable[[list[str]], dict] | None:
        """Bodies of articles that did not change come from the state, read only when rendered."""
        state, root = self.state, str(self.o.content)
        if state is None:
            return None
        return lambda sources: {os.path.join(root, rel): body
                                for rel, body in state.bodies([rel_of[s] for s in sources]).items()}

    @staticmethod
    def _bytecode_folder(path: Path) -> Path:
        folder = path.parent / "templates"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def _decide(self, groups: list[Group], known: dict, rows: dict, writer: SiteWriter, bodies: Bodies):
        """Expand the groups whose key changed (and any whose files went missing), then decide."""
        out = str(self.o.out)
        in_live = (lambda p: False) if self.state is None else (lambda p: os.path.isfile(os.path.join(out, p)))
        todo = stale(groups, known)
        expansions: dict[str, object] = {}
        by_id = {g.id: g for g in groups}
        while True:
            self._expand(todo, expansions, bodies, by_id)
            outputs = {gid: e.outputs for gid, e in expansions.items()}
            try:
                return decide(groups, outputs, rows, writer.files, in_live), expansions
            except Missing as missing:
                todo = [by_id[g] for g in missing.groups]

    def _expand(self, todo: list[Group], expansions: dict, bodies: Bodies, current: dict) -> None:
        """Expand groups: the heavy ones (search months) on all cores, then those that need results."""
        first = [g for g in todo if not g.needs]
        later = [g for g in todo if g.needs]
        bodies.load([a for g in first for a in g.bodies])
        heavy = [g for g in first if g.heavy]
        light = [g for g in first if not g.heavy]
        mark = time.perf_counter()
        for group, expansion in zip(heavy, parallel.imap(lambda g: g.expand({}), heavy, self.o.jobs,
                                                         each=sum(g.seconds for g in heavy) / max(len(heavy), 1))):
            expansions[group.id] = expansion
        searched = time.perf_counter() - mark
        for group in light:
            expansions[group.id] = group.expand({})
        for group in later:
            results = self.state.results(group.needs) if self.state else {}
            results.update({gid: e.result for gid, e in expansions.items() if gid.startswith(group.needs)})
            results = {gid: r for gid, r in results.items() if gid in current}  # not of groups now gone
            mark = time.perf_counter()
            expansions[group.id] = group.expand(results)
            searched += time.perf_counter() - mark
        self.stages["search"] = self.stages.get("search", 0.0) + searched
        self.mark += searched

    def _produce(self, decision: Decision, writer: SiteWriter, bodies: Bodies) -> list[Output]:
        """Make every output the decision names, on all cores, writing each as it comes."""
        made = [o for o in decision.produce if o.produce is not None]
        bodies.load([a for o in made for a in o.bodies])
        ready = [o for o in decision.produce if o.produce is None]
        for output in ready:
            if output.data is not None:
                writer.write(output.path, output.data)
            else:
                writer.copy(output.path, output.source)
        self.stage("write")
        results = parallel.imap(lambda o: o.produce(), made, self.o.jobs, each=0.001)
        if self.o.progress:
            from tqdm import tqdm

            results = tqdm(results, total=len(made), desc="pages", unit="page", leave=False)
        for output, data in zip(made, results):
            writer.write(output.path, data)
        self.stage("render")
        return decision.produce

    def _delta(self, content: Scan, old_files: dict, loaded: Loaded, rel_of: dict, word_rows: dict,
               known_words: dict, names: set, old_names: set, new_slugs: dict, wanted: set, groups: list[Group],
               known_groups: dict, expansions: dict, decision: Decision, rows: dict, full: bool) -> Delta:
        """The rows of the state that this build changes."""
        state = self.state
        delta = Delta()
        delta.files = {rel: e for rel, e in content.files.items() if old_files.get(rel) != e}
        delta.delete("files", old_files.keys() - content.files.keys())
        fresh = {rel for rel in loaded.parsed if rel in loaded.records}
        delta.parsed = {rel: loaded.records[rel] for rel in fresh}
        delta.bodies = {rel: loaded.parsed[rel].body for rel in fresh if loaded.parsed[rel].body is not None}
        if state:
            gone = state.keys("parsed") - loaded.records.keys()
            delta.delete("parsed", gone)
            delta.delete("bodies", gone)
            delta.delete("words", state.keys("words") - {rel_of[s] for s in word_rows})
            delta.delete("names", state.keys("names") - names)
            delta.delete("slugs", state.keys("slugs") - wanted)
        delta.words = {rel_of[source]: row for source, row in word_rows.items() if known_words.get(source) != row}
        delta.names = names - old_names
        delta.slugs = new_slugs
        for group in groups:
            if known_groups.get(group.id) != group.key or group.id in expansions:
                result = expansions[group.id].result if group.id in expansions else None
                delta.groups[group.id] = (group.key, result)
        delta.delete("groups", known_groups.keys() - {g.id for g in groups})
        for site_path, (group, key) in decision.files.items():
            old = rows.get(site_path)
            new = Row(group, key, key if full else (old.live if old else None))
            if old != new:
                delta.outputs[site_path] = new
        for site_path, old in rows.items():
            if site_path in decision.files:
                continue
            if old.live is None or full:
                delta.delete("outputs", [site_path])  # in neither folder after this build
            else:
                delta.outputs[site_path] = Row(old.group, None, old.live)  # the next spare still has it
        return delta

    def _commit(self, path: Path, writer: SiteWriter, delta: Delta, site_id: str, build_id: str,
                full: bool) -> None:
        """Swap the new site in and make the state match it, safe against a kill at any moment."""
        if full:
            new = State.create(new_state(path))
            try:
                new.apply(delta)
            finally:
                new.close()
            writer.commit(build_id)
            os.replace(new_state(path), path)
            return
        writer.commit(build_id, before_live=lambda: save_pending(path, site_id, build_id, delta), keep_old=True)
        self.state.apply(delta)
        pending_state(path).unlink(missing_ok=True)


def version_meta(global_key: str, parse_key: str, words_key: str, tree: str, build_id: str, spare: str,
                 files: int, counts: str, warnings: list) -> dict[str, str]:
    import json

    return {"global": global_key, "parse": parse_key, "words": words_key, "tree": tree, "build": build_id,
            "spare": spare, "files": str(files), "counts": counts,
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
