"use client";

// The read-only view laid over the editor (see use-editor-overlay.ts): a bar saying what it shows,
// with Diff and Restore for a saved version and Close (Escape), above the version's code, the run's
// code at its frame, or the diff.
import type { Theme } from "@/components/theme/theme";
import { WORKING_COPY } from "@/components/versions/versions-panel";
import { ReadOnlySource, SourceDiff } from "@/components/versions/source-views";
import type { Overlay } from "./use-editor-overlay";

export function EditorOverlay(props: {
  overlay: Overlay;
  theme: Theme;
  /** Offers "Restore as new version" (for another version than the one the working copy started from). */
  canRestore: boolean;
  savedNumber: number | null;
  restoring: boolean;
  onDiffWithWorkingCopy: (version: number) => void;
  onRestore: (version: number) => void;
  onClose: () => void;
}) {
  const { overlay, theme } = props;
  return (
    <div className="rb-overlay" role="region" aria-label={overlay.kind === "diff" ? "Diff" : overlay.kind === "run-source" ? "Code of the run" : `Version ${overlay.number}`}>
      <div className="rb-overlay-bar">
        {overlay.kind === "version" ? (
          <>
            <strong>
              Version {overlay.number} (read-only)
            </strong>
            <span className="rb-muted" style={{ flex: 1, minWidth: 0, overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" }}>
              {overlay.message}
            </span>
            <button type="button" className="rb-btn rb-btn-sm" onClick={() => props.onDiffWithWorkingCopy(overlay.number)}>
              Diff with working copy
            </button>
            {props.canRestore && overlay.number !== props.savedNumber && (
              <button type="button" className="rb-btn rb-btn-sm" disabled={props.restoring} onClick={() => props.onRestore(overlay.number)}>
                Restore as new version
              </button>
            )}
          </>
        ) : overlay.kind === "run-source" ? (
          <strong style={{ flex: 1 }}>
            {overlay.title}, line {overlay.reveal.line}
          </strong>
        ) : (
          <strong style={{ flex: 1 }}>
            Diff: {overlay.left.label.split(" — ")[0]} ↔ {overlay.right.label.split(" — ")[0]}
          </strong>
        )}
        <button type="button" className="rb-btn rb-btn-sm" onClick={props.onClose} aria-label="Close and return to the editor">
          Close <span className="rb-kbd">Esc</span>
        </button>
      </div>
      <div className="rb-overlay-body">
        {overlay.kind === "version" ? (
          <ReadOnlySource key={`v${overlay.number}`} source={overlay.source} language={overlay.language} theme={theme} label={`Version ${overlay.number}`} />
        ) : overlay.kind === "run-source" ? (
          <ReadOnlySource
            key={`run-${overlay.reveal.line}-${overlay.reveal.column}-${overlay.source.length}`}
            source={overlay.source}
            language={overlay.language}
            theme={theme}
            label="Code of the run"
            reveal={overlay.reveal}
          />
        ) : (
          <SourceDiff key={`diff-${overlay.id}`} original={overlay.left} modified={overlay.right} theme={theme} />
        )}
      </div>
    </div>
  );
}
