// Compiles the tests once, for the whole suite, instead of once per test process: tap used to run every
// test/*.test.ts through ts-node, which transpiled the test and its whole src/ import graph again in each of ~100
// processes (1.6-5 CPU-s per file before any test ran). Here one TypeScript program type-checks src/ and test/
// (tsconfig.test.json, as `tsc -p tsconfig.test.json` did) and emits test/**/*.ts to dist-test/ with source maps;
// an import of ../src/x.js in a test becomes ../dist/x.js, so tests load the same compiled library that the CLI
// tests spawn (dist/, built by `npm run build`; rebuilt first when a src/ file is newer, see ensureDist).
// dist-test/ sits at the same depth as test/, so `join(import.meta.dirname, '..')` is still the repository root;
// the fixtures' data files are linked into dist-test/fixtures/. Incremental: a re-run re-checks only what changed.
const fs = require('fs');
const path = require('path');
let ts; // loaded only when there is something to build (requiring it costs ~0.4 s)

const root = path.join(__dirname, '..');
const testDir = path.join(root, 'test');
const outDir = path.join(root, 'dist-test');
const srcDir = path.join(root, 'src');
const distDir = path.join(root, 'dist');

/** The emitted file of a test source file (test/a/b.ts -> dist-test/a/b.js). */
const outputOf = (file) => path.join(outDir, path.relative(testDir, file)).replace(/\.[cm]?ts$/, '.js');

/** A relative specifier that points into src/ from `file`, re-pointed at dist/ from where `file` is emitted. */
function rewrite(spec, file) {
  if (!spec.startsWith('.')) return spec;
  const target = path.resolve(path.dirname(file), spec);
  if (!target.startsWith(srcDir + path.sep)) return spec;
  let rel = path.relative(path.dirname(outputOf(file)), path.join(distDir, path.relative(srcDir, target)));
  if (!rel.startsWith('.')) rel = `./${rel}`;
  return rel.split(path.sep).join('/');
}

/** Transformer: static imports, re-exports and import('literal') of src/ modules load dist/ instead. */
function srcToDist(ctx) {
  const f = ctx.factory;
  return (sf) => {
    const lit = (node) => f.createStringLiteral(rewrite(node.text, sf.fileName));
    const visit = (node) => {
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
        return f.updateImportDeclaration(node, node.modifiers, node.importClause, lit(node.moduleSpecifier), node.attributes);
      }
      if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
        return f.updateExportDeclaration(node, node.modifiers, node.isTypeOnly, node.exportClause, lit(node.moduleSpecifier), node.attributes);
      }
      if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments.length && ts.isStringLiteralLike(node.arguments[0])) {
        return f.updateCallExpression(node, node.expression, node.typeArguments, [lit(node.arguments[0]), ...node.arguments.slice(1)]);
      }
      return ts.visitEachChild(node, visit, ctx);
    };
    return ts.visitNode(sf, visit);
  };
}

const host = {
  getCanonicalFileName: (f) => f,
  getCurrentDirectory: () => root,
  getNewLine: () => '\n',
};

const stamp = path.join(outDir, '.clean-build');

/** Newest modification time of the TypeScript sources and configs the build reads. */
function newestInput(dir = root, depth = 0) {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      // a folder's own time changes when a file in it is deleted or renamed (its output must then be pruned);
      // test/output/ holds screenshots that tests write, not sources
      if (depth === 0 ? !['src', 'test'].includes(e.name) : p === path.join(testDir, 'output')) continue;
      t = Math.max(t, fs.statSync(p).mtimeMs, newestInput(p, depth + 1));
    } else if (depth ? /\.[cm]?ts$/.test(e.name) : /^(tsconfig.*\.json|package\.json)$/.test(e.name)) {
      t = Math.max(t, fs.statSync(p).mtimeMs);
    }
  }
  return t;
}

/** Type-checks src/ and test/ and emits the tests; returns the number of errors (printed). Nothing to do (about
 * 0.1 s instead of ~7 s for an incremental no-op) when the last build had no errors and no input changed since. */
function buildTests({ quiet = false } = {}) {
  try {
    if (fs.statSync(stamp).mtimeMs > newestInput()) return 0;
  } catch {
    // no clean build yet
  }
  fs.rmSync(stamp, { force: true });
  ts = require('typescript');
  const diags = [];
  const buildInfo = path.join(outDir, '.tsbuildinfo');
  // src/ files are type-checked (they enter through tsconfig.test.json's include and the tests' imports) but not
  // emitted: dist/ has them. The program's outDir is a placeholder; writeFile below puts each test where it goes.
  const parsed = ts.getParsedCommandLineOfConfigFile(path.join(root, 'tsconfig.test.json'), {
    noEmit: false,
    rootDir: root,
    outDir: path.join(outDir, '.unused'),
    sourceMap: true,
    declaration: false,
    incremental: true,
    tsBuildInfoFile: buildInfo,
  }, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => diags.push(d) });
  if (!parsed) return report(diags);
  const tests = parsed.fileNames.filter((f) => path.resolve(f).startsWith(testDir + path.sep));
  // An output deleted by hand would not be re-emitted by an incremental build that thinks it is up to date.
  if (tests.some((f) => !fs.existsSync(outputOf(path.resolve(f))))) fs.rmSync(buildInfo, { force: true });
  const program = ts.createIncrementalProgram({ rootNames: parsed.fileNames, options: parsed.options, configFileParsingDiagnostics: parsed.errors });
  diags.push(...program.getConfigFileParsingDiagnostics(), ...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics(),
    ...program.getSyntacticDiagnostics(), ...program.getSemanticDiagnostics());
  const writeFile = (file, text, bom, onError, sources) => {
    const src = sources && sources[0] && sources[0].fileName;
    if (!src || !path.resolve(src).startsWith(testDir + path.sep)) return; // a src/ file: dist/ has it
    const out = file.endsWith('.map') ? `${outputOf(src)}.map` : file.endsWith('.tsbuildinfo') ? file : outputOf(src);
    if (file.endsWith('.map')) text = fixMap(text, out, src);
    ts.sys.writeFile(out, text, bom);
  };
  const res = program.emit(undefined, (file, text, bom, onError, sources) =>
    file.endsWith('.tsbuildinfo') ? ts.sys.writeFile(file, text, bom) : writeFile(file, text, bom, onError, sources), undefined, false, { before: [srcToDist] });
  diags.push(...res.diagnostics);
  linkFixtureData();
  pruneOrphans();
  const errors = report(diags, quiet);
  if (!errors) fs.writeFileSync(stamp, '');
  return errors;
}

/** Emitted files whose test/ source is gone (a deleted or renamed test must not keep running). */
function pruneOrphans(dir = outDir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) pruneOrphans(p);
    else if (!e.isSymbolicLink() && /\.js(\.map)?$/.test(e.name)) {
      const src = path.join(testDir, path.relative(outDir, p)).replace(/\.js(\.map)?$/, '.ts');
      if (!fs.existsSync(src)) fs.rmSync(p);
    }
  }
}

/** The source map's "sources" entry, relative to where the map really is (the program's outDir is a placeholder). */
function fixMap(text, out, src) {
  const map = JSON.parse(text);
  map.sources = [path.relative(path.dirname(out), src).split(path.sep).join('/')];
  delete map.sourceRoot;
  return JSON.stringify(map);
}

/** Data files next to the tests (test/fixtures/*.npy, ...): symlinked into dist-test/ so that paths relative to a
 * test file's own location keep working. */
function linkFixtureData(dir = testDir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      linkFixtureData(p);
      continue;
    }
    if (/\.[cm]?ts$/.test(e.name)) continue;
    const link = path.join(outDir, path.relative(testDir, p));
    const target = path.relative(path.dirname(link), p);
    try {
      if (fs.readlinkSync(link) === target) continue;
      fs.rmSync(link, { force: true });
    } catch {
      // not there yet
    }
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(target, link);
  }
}

function report(diags, quiet) {
  const errors = diags.filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (diags.length && !quiet) process.stdout.write(ts.formatDiagnosticsWithColorAndContext(diags, host));
  return errors.length;
}

module.exports = { buildTests, outputOf, outDir, testDir };

if (require.main === module) process.exit(buildTests() ? 1 : 0);
