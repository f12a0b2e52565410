import type { AtomicTest, TriggerTechnique } from '../model/entities.ts';
import { makeIssue } from '../model/issue.ts';
import { loadEntityFiles, type LoadedFiles } from './load-entities.ts';
import { FieldReader } from './read-fields.ts';

const TECHNIQUE_ID = /^T\d{4}(?:\.\d{3})?$/;
const TECHNIQUE_KEYS = new Set(['attack_technique', 'display_name', 'atomic_tests']);
const TEST_KEYS = new Set([
  'name', 'auto_generated_guid', 'description', 'supported_platforms', 'input_arguments', 'dependency_executor_name',
  'dependencies', 'executor',
]);
const EXECUTOR_KEYS = new Set(['name', 'command', 'steps', 'cleanup_command', 'elevation_required']);

/** Atomic Red Team technique files (`atomics/T1003.001/T1003.001.yaml`); other YAML under the folder is not a trigger. */
export function loadTriggers(folders: readonly string[], cwd?: string): LoadedFiles<TriggerTechnique> {
  return loadEntityFiles(folders, (file, _text, documents, issues) => {
    if (documents.length === 0) {
      issues.push(makeIssue(file.displayPath, undefined, 'yaml-empty', 'empty file; expected an Atomic Red Team technique'));
      return [];
    }
    const document = documents[0]!;
    const reader = FieldReader.forDocument(document, issues, 'Atomic Red Team technique');
    if (!reader) return [];
    reader.warnUnknownKeys(TECHNIQUE_KEYS, 'an Atomic Red Team technique');
    const techniqueId = reader.string('attack_technique', { required: true })?.trim().toUpperCase();
    if (!techniqueId) return [];
    if (!TECHNIQUE_ID.test(techniqueId)) {
      reader.report('attack_technique', 'field-value', `"attack_technique" must be an ATT&CK technique id such as T1003 or T1003.001, found "${techniqueId}"`);
      return [];
    }
    const tests = reader.children('atomic_tests', { required: true }).flatMap((test): AtomicTest[] => {
      test.warnUnknownKeys(TEST_KEYS, 'an atomic test');
      const name = test.string('name', { required: true });
      const executor = test.child('executor', { required: true });
      if (!name || !executor) return [];
      executor.warnUnknownKeys(EXECUTOR_KEYS, 'an atomic test executor');
      const executorName = executor.string('name', { required: true }) ?? 'manual';
      return [{
        name,
        guid: test.string('auto_generated_guid'),
        description: (test.string('description') ?? '').trim(),
        supportedPlatforms: test.stringList('supported_platforms'),
        inputArguments: test.entries('input_arguments').map(([argument, fields]) => ({
          name: argument,
          description: (fields.string('description') ?? '').trim(),
          type: fields.string('type') ?? '',
          default: fields.string('default') ?? '',
        })),
        dependencyExecutorName: test.string('dependency_executor_name'),
        dependencies: test.children('dependencies').map((dependency) => ({
          description: (dependency.string('description') ?? '').trim(),
          prereqCommand: dependency.string('prereq_command'),
          getPrereqCommand: dependency.string('get_prereq_command'),
        })),
        executor: {
          name: executorName,
          command: executor.string('command'),
          steps: executor.string('steps'),
          cleanupCommand: executor.string('cleanup_command'),
          elevationRequired: executor.boolean('elevation_required') ?? false,
        },
      }];
    });
    return [{
      kind: 'trigger',
      file: file.displayPath,
      relativePath: file.relativePath,
      position: document.position,
      techniqueId,
      displayName: reader.string('display_name', { required: true }) ?? techniqueId,
      tests,
    } satisfies TriggerTechnique];
  }, cwd);
}
