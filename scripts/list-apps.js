#!/usr/bin/env node
/**
 * Prints the apps of apps.json for shell scripts and npm scripts, one line per app, the asked
 * fields separated by spaces:
 *
 *   node scripts/list-apps.js [--kind gateway|service] [--database postgres|mongo] <field>...
 *
 *   node scripts/list-apps.js name                                  gateway, users, ...
 *   node scripts/list-apps.js --database postgres name database.name  users shop_users, ...
 *
 * Plain JavaScript: the shell scripts call it before anything is compiled.
 */
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const USAGE =
  'usage: node scripts/list-apps.js [--kind gateway|service] [--database postgres|mongo] <field>...';

function fail(message) {
  process.stderr.write(`list-apps: ${message}\n`);
  process.exit(1);
}

function parse(argv) {
  const filters = {};
  const fields = [];
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index];
    if (argument === '--kind' || argument === '--database') {
      const value = argv[index + 1];
      if (value === undefined) fail(`${argument} needs a value (${USAGE})`);
      filters[argument.slice(2)] = value;
      index += 1;
    } else if (argument.startsWith('-')) {
      fail(`unknown option ${argument} (${USAGE})`);
    } else {
      fields.push(argument);
    }
  }
  if (fields.length === 0) fail(`name at least one field (${USAGE})`);
  return { filters, fields };
}

function valueAt(app, field) {
  const value = field.split('.').reduce((node, key) => node?.[key], app);
  // A space or an empty value would shift the fields of a shell `read`.
  if (value === undefined || value === null || /\s/.test(String(value)) || String(value) === '')
    fail(`apps.json: app "${app.name}" has no usable ${field}`);
  return String(value);
}

const { filters, fields } = parse(process.argv.slice(2));
const { apps } = JSON.parse(readFileSync(join(__dirname, '..', 'apps.json'), 'utf8'));
const lines = apps
  .filter((app) => filters.kind === undefined || app.kind === filters.kind)
  .filter((app) => filters.database === undefined || app.database?.kind === filters.database)
  .map((app) => fields.map((field) => valueAt(app, field)).join(' '));
process.stdout.write(lines.length > 0 ? `${lines.join('\n')}\n` : '');
