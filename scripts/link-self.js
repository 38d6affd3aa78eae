#!/usr/bin/env node
// Makes `pulumi-rgs` resolvable by name inside this repository, as it is for a user who installs it:
// the quickstart, the examples and Pulumi's provider process all load the package that way.
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const link = path.join(root, "node_modules", "pulumi-rgs");
fs.mkdirSync(path.dirname(link), { recursive: true });
try {
  if (fs.realpathSync(link) === root) process.exit(0);
  fs.rmSync(link, { recursive: true, force: true });
} catch {
  // no link yet
}
fs.symlinkSync("..", link, "dir");
