import { GatewayError } from '@switchyard/core';
import type { ErrorBody, PipelineIssue } from '@switchyard/spec';

/** Where an issue points, in words: `node 'fb' (params.branches[0].id)`, `edge 2 (target)`. */
export function issuePlace(issue: PipelineIssue): string {
  const where = issue.nodeId !== undefined ? `node '${issue.nodeId}'` : issue.edgeIndex !== undefined ? `edge ${issue.edgeIndex}` : 'graph';
  return issue.field ? `${where} (${issue.field})` : where;
}

/**
 * A graph that does not compile: 400 with every issue. The OpenAI-shaped envelope's message
 * names the first issues' node and field; `error.issues` lists them all for the editor.
 */
export class InvalidPipelineError extends GatewayError {
  constructor(readonly issues: PipelineIssue[]) {
    const shown = issues.slice(0, 5).map((i) => `${issuePlace(i)}: ${i.message}`);
    if (issues.length > 5) shown.push(`and ${issues.length - 5} more`);
    const first = issues[0];
    super({
      status: 400,
      type: 'invalid_request_error',
      code: 'invalid_pipeline',
      param: first ? (first.nodeId !== undefined ? `nodes.${first.nodeId}${first.field ? `.${first.field}` : ''}` : (first.field ?? null)) : null,
      message: `The pipeline is invalid: ${shown.join('; ')}.`,
      retryable: false,
    });
  }

  override toBody(): ErrorBody {
    const body = super.toBody();
    return { error: { ...body.error, issues: this.issues } } as ErrorBody;
  }
}
