/**
 * The input finder and symbolic links: followed inside the input folders (each real file once, loops
 * ending), reported and skipped when they lead outside or nowhere. Links are made in temporary folders.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { findInputFiles } from '../../src/load/find-input-files.ts';
import { writeTempTree } from '../helpers/temp-files.ts';

function tree(t: { after: (fn: () => void) => void }, files: Record<string, string>, links: Record<string, string>): string {
  const root = writeTempTree(t, files, 'atc-kb-find-');
  for (const [link, target] of Object.entries(links)) {
    mkdirSync(path.dirname(path.join(root, link)), { recursive: true });
    symlinkSync(target, path.join(root, link));
  }
  return root;
}

function summary(found: ReturnType<typeof findInputFiles>): { files: string[]; issues: string[] } {
  return {
    files: found.files.map((file) => `${file.displayPath} (${file.relativePath})`),
    issues: found.issues.map((issue) => `${issue.file}:${issue.line}:${issue.column} ${issue.severity} ${issue.code}`),
  };
}

describe('finding input files through symbolic links', () => {
  test('a link to a file or folder inside the input folder is followed, and each real file is found once, under its real path', (t) => {
    const root = tree(t, { 'kb/a/one.yml': '', 'kb/b/two.yml': '' }, { 'kb/a/link-to-two.yml': '../b/two.yml', 'kb/c': 'b', 'kb/z/three.yml': '../../elsewhere/three.yml', 'elsewhere/three.yml': '../kb/a/one.yml' });
    assert.deepEqual(summary(findInputFiles(['kb'], root)), {
      files: ['kb/a/one.yml (a/one.yml)', 'kb/b/two.yml (b/two.yml)'],
      // kb/z/three.yml resolves through elsewhere/ back to kb/a/one.yml: inside, and already found.
      issues: [],
    });
  });

  test('a folder link to its own ancestor ends, with every file once', (t) => {
    const root = tree(t, { 'kb/a/one.yml': '', 'kb/a/deeper/two.yml': '' }, { 'kb/a/deeper/up': '../..', 'kb/a/self': '.' });
    assert.deepEqual(summary(findInputFiles(['kb'], root)).files, ['kb/a/deeper/two.yml (a/deeper/two.yml)', 'kb/a/one.yml (a/one.yml)']);
  });

  test('a link that leads outside every input folder is reported at the link and not followed', (t) => {
    const root = tree(t, { 'kb/one.yml': '', 'secret/key.yml': '', 'other/two.yml': '' }, { 'kb/key.yml': '../secret/key.yml', 'kb/secrets': '../secret', 'kb/two.yml': '../other/two.yml' });
    assert.deepEqual(summary(findInputFiles(['kb'], root)), {
      files: ['kb/one.yml (one.yml)'],
      issues: ['kb/key.yml:1:1 warning symlink-outside-input', 'kb/secrets:1:1 warning symlink-outside-input', 'kb/two.yml:1:1 warning symlink-outside-input'],
    });
    // The same link is followed when its target folder is configured too.
    assert.deepEqual(summary(findInputFiles(['kb', 'other'], root)).files, ['kb/one.yml (one.yml)', 'kb/two.yml (two.yml)']);
  });

  test('a dangling link is reported; links to non-YAML files are ignored like the files themselves', (t) => {
    const root = tree(t, { 'kb/one.yml': '', 'kb/notes.md': '', 'outside/notes.md': '' }, { 'kb/gone.yml': 'nowhere.yml', 'kb/gone-folder': 'nowhere', 'kb/readme.md': 'notes.md', 'kb/outside.md': '../outside/notes.md' });
    assert.deepEqual(summary(findInputFiles(['kb'], root)), {
      files: ['kb/one.yml (one.yml)'],
      issues: ['kb/gone-folder:1:1 warning symlink-dangling', 'kb/gone.yml:1:1 warning symlink-dangling'],
    });
  });

  test('a configured folder that is itself a link is followed: pointing it elsewhere is the user\'s choice', (t) => {
    const root = tree(t, { 'real/one.yml': '' }, { 'work/kb': '../real' });
    assert.deepEqual(summary(findInputFiles(['work/kb'], root)), { files: ['work/kb/one.yml (one.yml)'], issues: [] });
  });
});
