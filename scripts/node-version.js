// @ts-check
// Plain CommonJS: next.config.js loads it with require(), before anything is compiled.

/** @param {string} version "20.20.2", "v24.1.0" or "22.13" */
function parts(version) {
  return version
    .replace(/^v/, '')
    .split('.')
    .map((part) => Number.parseInt(part, 10) || 0);
}

/**
 * Whether `version` satisfies `range`, a `>=X.Y.Z` range as package.json's engines writes it (the only
 * form this app uses; any other throws, rather than let a typo pass every version).
 * @param {string} version
 * @param {string} range
 */
function satisfies(version, range) {
  const minimum = /^>=\s*(\d+(?:\.\d+){0,2})$/.exec(range.trim())?.[1];
  if (minimum === undefined) throw new Error(`engines.node must read ">=X.Y.Z", not "${range}"`);
  const have = parts(version);
  const need = parts(minimum);
  for (let i = 0; i < 3; i += 1) {
    const difference = (have[i] ?? 0) - (need[i] ?? 0);
    if (difference !== 0) return difference > 0;
  }
  return true;
}

/**
 * The one line to print when this Node is too old for the app, or undefined when it will do.
 * @param {string} [version] this process's Node version
 * @param {string} [range] package.json's engines.node
 */
function nodeVersionProblem(version = process.versions.node, range = require('../package.json').engines.node) {
  if (satisfies(version, range)) return undefined;
  return (
    `This app needs Node.js ${range}, but ${process.execPath} is ${version}. ` +
    'Run it through npm (npm run dev, npm run build, npm start), which uses the Node of its node devDependency, or with node_modules/.bin/node.'
  );
}

module.exports = { satisfies, nodeVersionProblem };
