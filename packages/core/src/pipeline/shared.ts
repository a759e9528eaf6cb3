/*
 * The browser-safe part of the pipeline module (`@switchyard/core/pipeline`): the format, the
 * validator, the editor's connection rules, and the manifests of the built-in node types.
 * Nothing imported from here may touch node: modules, isolated-vm or execute code.
 */

export type { HandleSpec, NodeCategory, NodeTypeManifest, PipelineEdge, PipelineGraph, PipelineIssue, PipelineIssueCode, PipelineNode } from '@switchyard/spec';
export {
  PIPELINE_SCHEMA_VERSION,
  SUPPORTED_SCHEMA_VERSIONS,
  MAX_NODES,
  MAX_EDGES,
  ID_PATTERN,
  REQUEST_HANDLE,
  ANY_HANDLE,
  manifestKey,
  isSink,
  handleTypesMatch,
  indexManifests,
} from './format';
export type { ManifestSource, ManifestIndex } from './format';
export { validatePipeline } from './validate';
export type { ValidationResult } from './validate';
export { canConnect } from './connect';
export type { ConnectionCheck } from './connect';
export { resolveHandles } from './handles';
export type { ResolvedHandle, ResolvedHandles } from './handles';
export { checkParams } from './params-schema';
export type { ParamProblem } from './params-schema';
export { parseCondition, conditionError, CONDITION_ROOTS } from './condition/parser';
export { ConditionSyntaxError } from './condition/lexer';
export { compileTemplate, templateError, TEMPLATE_ROOTS } from './template';
export { builtinManifests } from './nodes/manifests';
export { GUARD_PRESETS } from './nodes/guard.manifest';
