#!/usr/bin/env node
// A committed entry point, so that package managers can link the command before the
// TypeScript sources are built.
import '../dist/cli/main.js';
