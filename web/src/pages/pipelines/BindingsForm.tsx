import { useState } from 'react';
import { pipelineApi, type BindingSpec } from '../../api/pipelines';
import { useAction } from '../../api/use-action';

const split = (s: string) => [...new Set(s.split(',').map((x) => x.trim()).filter(Boolean))];

/**
 * Which requests run this pipeline: model names clients send (aliases), API keys, projects, or
 * every request no other pipeline takes (the default). Saved together; the server refuses a
 * name another pipeline already holds.
 */
export function BindingsForm({ pipelineId, bindings, readOnly, published, onSaved }: { pipelineId: string; bindings: BindingSpec; readOnly: boolean; published: boolean; onSaved: (b: BindingSpec) => void }) {
  const [aliases, setAliases] = useState(bindings.aliases.join(', '));
  const [keys, setKeys] = useState(bindings.keys.join(', '));
  const [projects, setProjects] = useState(bindings.projects.join(', '));
  const [isDefault, setDefault] = useState(bindings.default);
  const act = useAction();
  return (
    <form
      className="form"
      aria-label="Routing"
      onSubmit={async (e) => {
        e.preventDefault();
        const saved = await act.run(() => pipelineApi.setBindings(pipelineId, { aliases: split(aliases), keys: split(keys), projects: split(projects), default: isDefault }));
        if (saved) onSaved(saved);
      }}
    >
      {!published && <p className="notice">Nothing is published yet: requests routed here are refused until a version is published.</p>}
      <fieldset disabled={readOnly} className="form">
        <legend>Route here</legend>
        <div className="field">
          <label htmlFor="bind-aliases">Requests for these model names</label>
          <input id="bind-aliases" value={aliases} onChange={(e) => setAliases(e.target.value)} placeholder="e.g. smart-chat, support-bot" />
          <small className="help">Clients send one of these as `model`; the pipeline decides which upstream answers.</small>
        </div>
        <div className="field">
          <label htmlFor="bind-keys">Requests with these API key ids</label>
          <input id="bind-keys" value={keys} onChange={(e) => setKeys(e.target.value)} placeholder="none" />
        </div>
        <div className="field">
          <label htmlFor="bind-projects">Requests from these projects</label>
          <input id="bind-projects" value={projects} onChange={(e) => setProjects(e.target.value)} placeholder="none" />
        </div>
        <label className="check">
          <input type="checkbox" checked={isDefault} onChange={(e) => setDefault(e.target.checked)} /> Every other request (the default pipeline)
        </label>
      </fieldset>
      {act.error && (
        <p className="error-text" role="alert">
          {act.error}
        </p>
      )}
      {!readOnly && (
        <div className="form-actions">
          <button type="submit" disabled={act.busy}>
            {act.busy ? 'Saving…' : 'Save routing'}
          </button>
        </div>
      )}
    </form>
  );
}
