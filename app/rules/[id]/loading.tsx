// Shown while the workspace loads on client-side navigation; same grid as the workspace, so nothing jumps.
export default function RuleLoading() {
  return (
    <div className="rb-workspace" aria-busy="true">
      <header className="rb-header">
        <span className="rb-brand">
          Rule<span>box</span>
        </span>
      </header>
      <div className="rb-ws-notices" />
      <div className="rb-ws-body">
        <div className="rb-ws-main">
          <div className="rb-editor-area">
            <div className="rb-editor-placeholder">Loading rule…</div>
          </div>
          <div className="rb-panel" />
        </div>
        <div className="rb-panel" />
      </div>
    </div>
  );
}
