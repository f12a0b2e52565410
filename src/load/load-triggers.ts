import path from 'node:path';
import { normalizeTechniqueId } from '../attack/attack-catalog.ts';
import type { AtomicTest, TriggerTechnique } from '../model/entities.ts';
import { makeIssue } from '../model/issue.ts';
import type { InputFile } from './find-input-files.ts';
import type { KnowledgeBaseBudget } from './knowledge-base-budget.ts';
import type { LoadMemo } from './load-memo.ts';
import { loadEntityFiles, type LoadedFiles } from './load-entities.ts';
import { FieldReader, isRecord } from './read-fields.ts';

const TECHNIQUE_KEYS = new Set(['attack_technique', 'display_name', 'atomic_tests']);
const TEST_KEYS = new Set([
  'name', 'auto_generated_guid', 'description', 'supported_platforms', 'input_arguments', 'dependency_executor_name',
  'dependencies', 'executor',
]);
const EXECUTOR_KEYS = new Set(['name', 'command', 'steps', 'cleanup_command', 'elevation_required']);
const INPUT_ARGUMENT_KEYS = new Set(['description', 'type', 'default']);
const DEPENDENCY_KEYS = new Set(['description', 'prereq_command', 'get_prereq_command']);
/** Atomic Red Team's ExecutorType. */
const EXECUTOR_NAMES = new Set(['command_prompt', 'powershell', 'sh', 'bash', 'manual']);

/**
 * Atomic Red Team keeps generated indexes beside the technique files (`atomics/Indexes/index.yaml`, several
 * MiB, and one index per platform): they repeat the techniques, so they are skipped, wherever the
 * configured folder starts (`atomics/` or the repository).
 */
const isTechniqueFile = (file: InputFile): boolean => !file.relativePath.split('/').includes('Indexes');

/** Atomic Red Team technique files (`atomics/T1003.001/T1003.001.yaml`); the generated indexes are not triggers. */
export function loadTriggers(folders: readonly string[], cwd?: string, budget?: KnowledgeBaseBudget, memo?: LoadMemo): LoadedFiles<TriggerTechnique> {
  return loadEntityFiles(folders, (file, _text, documents, issues) => {
    if (documents.length === 0) {
      issues.push(makeIssue(file.displayPath, undefined, 'yaml-empty', 'empty file; expected an Atomic Red Team technique'));
      return [];
    }
    const document = documents[0]!;
    const reader = FieldReader.forDocument(document, issues, 'Atomic Red Team technique');
    if (!reader) return [];
    reader.warnUnknownKeys(TECHNIQUE_KEYS, 'an Atomic Red Team technique');
    const written = reader.string('attack_technique', { required: true });
    if (written === undefined) return [];
    const techniqueId = normalizeTechniqueId(written);
    if (!techniqueId) {
      reader.report('attack_technique', 'field-value', `"attack_technique" must be an ATT&CK technique id such as T1003 or T1003.001, found "${written.trim()}"`);
      return [];
    }
    // Atomic Red Team keeps each technique in a folder named after it, and links and tools find it there.
    const folder = path.basename(path.dirname(file.absolutePath));
    const folderId = normalizeTechniqueId(folder);
    if (folderId !== undefined && folderId !== techniqueId) {
      reader.report('attack_technique', 'field-value', `"attack_technique" ${techniqueId} does not match the folder ${folder}/ the file is in`);
    }
    const displayName = reader.string('display_name', { required: true });
    const listedTests = reader.raw('atomic_tests');
    if (Array.isArray(listedTests) && listedTests.length === 0) {
      reader.report('atomic_tests', 'field-value', '"atomic_tests" lists no test; a technique file holds at least one');
      return [];
    }
    // children() skips list items that are not mappings (and reports them): count positions in the raw list.
    const positions = Array.isArray(listedTests) ? listedTests.flatMap((item, index) => (isRecord(item) ? [index + 1] : [])) : [];
    const tests = reader.children('atomic_tests', { required: true }).flatMap((test, childIndex): AtomicTest[] => {
      test.warnUnknownKeys(TEST_KEYS, 'an atomic test');
      const name = test.string('name', { required: true });
      const guid = test.string('auto_generated_guid');
      const description = (test.string('description') ?? '').trim();
      const supportedPlatforms = test.stringList('supported_platforms', { singleText: false });
      const inputArguments = test.entries('input_arguments').map(([argument, fields]) => {
        fields.warnUnknownKeys(INPUT_ARGUMENT_KEYS, 'an input argument');
        return {
          name: argument,
          description: (fields.string('description') ?? '').trim(),
          type: fields.string('type') ?? '',
          default: fields.string('default') ?? '',
        };
      });
      const dependencyExecutorName = test.string('dependency_executor_name');
      const dependencies = test.children('dependencies').map((dependency) => {
        dependency.warnUnknownKeys(DEPENDENCY_KEYS, 'a dependency');
        return {
          description: (dependency.string('description') ?? '').trim(),
          prereqCommand: dependency.string('prereq_command'),
          getPrereqCommand: dependency.string('get_prereq_command'),
        };
      });
      const executor = test.child('executor', { required: true });
      if (!executor) return [];
      executor.warnUnknownKeys(EXECUTOR_KEYS, 'an atomic test executor');
      const executorName = executor.string('name', { required: true })?.trim();
      if (executorName !== undefined && !EXECUTOR_NAMES.has(executorName)) {
        executor.report('name', 'field-value', `executor "name" must be one of ${[...EXECUTOR_NAMES].join(', ')}; found "${executorName}"`);
      }
      // As in Atomic Red Team's model: a manual test says what to do by hand, every other executor runs a command.
      const command = executor.string('command', { required: executorName !== undefined && executorName !== 'manual' });
      const steps = executor.string('steps', { required: executorName === 'manual' });
      const cleanupCommand = executor.string('cleanup_command');
      const elevationRequired = executor.boolean('elevation_required') ?? false;
      if (!name || executorName === undefined) return [];
      return [{
        number: positions[childIndex] ?? childIndex + 1,
        name,
        guid,
        guidPosition: guid === undefined ? undefined : test.position('auto_generated_guid'),
        description,
        supportedPlatforms,
        inputArguments,
        dependencyExecutorName,
        dependencies,
        executor: { name: executorName, command, steps, cleanupCommand, elevationRequired },
      }];
    });
    return [{
      kind: 'trigger',
      file: file.displayPath,
      relativePath: file.relativePath,
      position: document.position,
      techniqueId,
      displayName: displayName ?? techniqueId,
      tests,
    } satisfies TriggerTechnique];
  }, cwd, budget, isTechniqueFile, memo && { memo, kind: 'triggers' });
}
