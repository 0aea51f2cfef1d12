// The tokenizer as the browser gets it: after assets/search/facts.js, which the build writes from edition/facts.py.
const path = require("node:path");
const { execFileSync } = require("node:child_process");

const root = path.join(__dirname, "..", "..");
const facts = execFileSync("python3", ["-c", "import sys; from edition.facts import browser_facts; " +
                                             "sys.stdout.buffer.write(browser_facts())"], { cwd: root });
global.self = {};
new Function(facts.toString("utf-8")).call(global.self);
module.exports = require("../../templates/assets/search/tokenizer.js");
