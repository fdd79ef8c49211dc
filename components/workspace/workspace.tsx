"use client";

// The rule workspace: editor on the left with Result/Problems below it, Test inputs, Versions,
// History, Settings and Call (snippets for other systems) on the right. This component composes: it
// owns which tab, overlay and dialog is showing and wires the hooks beside it (use-*.ts: the rule
// record, freshness, versions, test inputs, input type, working copy, overlay, running, saving,
// publishing, keyboard and leave guard) to the panels. What a role cannot do is not offered (a
// viewer gets a read-only editor and no Run/Save/Publish; only a publisher publishes, rolls back,
// archives and restores); the server refuses it regardless.
import { useCallback, useMemo, useRef, useState } from "react";
import type { Language, LimitsInput } from "@/server/contracts/run";
import { RuleEditor, type Problem, type RuleEditorHandle } from "@/components/editor/rule-editor";
import { useTheme } from "@/components/theme/theme";
import { Tabs } from "@/components/ui/tabs";
import { useSession } from "@/components/auth/session";
import { TestInputsPanel } from "./test-inputs-panel";
import { SettingsPanel } from "./settings-panel";
import type { StoredCase } from "./test-case-drafts";
import { VersionsPanel, WORKING_COPY } from "@/components/versions/versions-panel";
import { PublishDialog } from "@/components/versions/publish-dialog";
import { DeploymentsList } from "@/components/versions/deployments-list";
import { RunHistoryPanel } from "@/components/runs/run-history-panel";
import { RunDetailDialog } from "@/components/runs/run-detail-dialog";
import { CallRulePanel } from "./call-rule-panel";
import { useNotices } from "./use-notices";
import { useRuleRecord } from "./use-rule-record";
import { usePublishing } from "./use-publishing";
import { useRuleFreshness } from "./use-rule-freshness";
import { useVersions } from "./use-versions";
import { useTestInputs } from "./use-test-inputs";
import { useInputType } from "./use-input-type";
import { useWorkingCopy } from "./use-working-copy";
import { useEditorOverlay } from "./use-editor-overlay";
import { useRun } from "./use-run";
import { useSave } from "./use-save";
import { useLeaveGuard } from "./use-leave-guard";
import { isMac, useKeyboardShortcuts } from "./use-keyboard-shortcuts";
import { WorkspaceHeader } from "./workspace-header";
import { WorkspaceNotices } from "./workspace-notices";
import { EditorOverlay } from "./editor-overlay";
import { OutputTabs, type BottomTab } from "./output-tabs";
import { SaveDialog } from "./save-dialog";
import { WorkspaceToasts } from "./workspace-toasts";

/** The trimmed record the server page hands over. */
export type WorkspaceRule = {
  id: string;
  name: string;
  description: string;
  archived: boolean;
  limits: LimitsInput;
  latestVersion: { number: number; message: string; sha256: string; language: Language; source: string; createdAt: string } | null;
  /** The live version (what /execute runs); null when never published. */
  publishedVersion: number | null;
};

type SideTab = "inputs" | "versions" | "history" | "settings" | "call";

export function Workspace({ rule: initialRule, testCases, fingerprint }: { rule: WorkspaceRule; testCases: StoredCase[]; fingerprint: string }) {
  const theme = useTheme();
  const { user, can } = useSession();
  const canEdit = can("author");
  const canPublish = can("publisher");
  const editorRef = useRef<RuleEditorHandle | null>(null);

  const [problems, setProblems] = useState<Problem[]>([]);
  const [sideTab, setSideTab] = useState<SideTab>("inputs");
  const [bottomTab, setBottomTab] = useState<BottomTab>("result");
  const [openRunId, setOpenRunId] = useState<string | null>(null);
  const showInputs = useCallback(() => setSideTab("inputs"), []);
  const showResult = useCallback(() => setBottomTab("result"), []);
  const closeRunDetail = useCallback(() => setOpenRunId(null), []);

  const { status, setStatus, errors, pushError, dismissError } = useNotices();
  const { rule, applySettings, unarchive, unarchiving } = useRuleRecord(initialRule, { setStatus, pushError });
  const { deployments, publishOpen, openPublishDialog, closePublishDialog, publishVersion, rollBack } = usePublishing({
    ruleId: initialRule.id,
    publishedVersion: initialRule.publishedVersion,
    setStatus,
    pushError,
  });
  useRuleFreshness(initialRule.id, fingerprint);
  const { versions, loadVersions } = useVersions(rule.id, pushError);
  const inputs = useTestInputs({ ruleId: rule.id, testCases, showInputs, setStatus, pushError });
  const onMonaco = useInputType(inputs.selectedInputText);
  const copy = useWorkingCopy({ ruleId: initialRule.id, latestVersion: initialRule.latestVersion, editorRef, canEdit });
  const { language, baseline, dirty, currentSource } = copy;
  const view = useEditorOverlay({ ruleId: rule.id, language, editorRef, currentSource, closeRunDetail, pushError });
  const run = useRun({
    ruleId: rule.id,
    limits: rule.limits,
    language,
    currentSource,
    savedVersionOf: copy.savedVersionOf,
    drafts: inputs.drafts,
    selectedKey: inputs.selectedKey,
    showInputs,
    showResult,
    setStatus,
    pushError,
  });
  const save = useSave({
    ruleId: rule.id,
    limits: rule.limits,
    language,
    dirty,
    currentSource,
    markSaved: copy.markSaved,
    replaceWith: copy.replaceWith,
    closeOverlay: view.closeOverlay,
    loadVersions,
    setStatus,
    pushError,
  });

  const confirmLeave = useLeaveGuard(dirty || inputs.unsavedInputs);
  useKeyboardShortcuts({
    onRun: run.runSelected,
    // Ctrl+Enter while a run is in flight or a dialog is open does nothing (as the disabled Run button).
    runBlocked: !canEdit || run.running || run.runningAll || save.saveOpen || openRunId !== null,
    onSave: save.openSaveDialog,
    saveBlocked: rule.archived || !canEdit,
    overlayOpen: view.overlay !== null,
    onEscape: view.closeOverlay,
    escapeBlocked: save.saveOpen || openRunId !== null,
  });

  const modKey = useMemo(() => (isMac() ? "⌘" : "Ctrl"), []);
  const latestNumber = versions?.[0]?.number ?? null;

  return (
    <div className="rb-workspace">
      <WorkspaceHeader
        ruleName={rule.name}
        archived={rule.archived}
        dirty={dirty}
        savedNumber={baseline.number}
        liveNumber={deployments.published}
        latestNumber={latestNumber ?? baseline.number}
        canEdit={canEdit}
        canPublish={canPublish}
        role={user?.role}
        language={language}
        onLanguageChange={copy.setLanguage}
        running={run.running}
        hasVersions={!!versions && versions.length > 0}
        modKey={modKey}
        confirmLeave={confirmLeave}
        onRun={() => void run.runSelected()}
        onSave={save.openSaveDialog}
        onPublish={openPublishDialog}
      />

      <WorkspaceNotices
        restoredCopy={copy.restoredCopy}
        savedNumber={baseline.number}
        onDiscardRestored={copy.discardRestoredCopy}
        onDismissRestored={copy.dismissRestoredCopy}
        archived={rule.archived}
        canUnarchive={canPublish}
        unarchiving={unarchiving}
        onUnarchive={() => void unarchive()}
      />

      <div className="rb-ws-body">
        <div className="rb-ws-main">
          <div className="rb-editor-area">
            <RuleEditor
              ref={editorRef}
              initialSource={baseline.source}
              language={language}
              theme={theme}
              onChange={copy.onSourceChange}
              onProblems={setProblems}
              onMonaco={onMonaco}
              onReady={copy.onEditorReady}
              readOnly={!canEdit}
            />
            {view.overlay && (
              <EditorOverlay
                overlay={view.overlay}
                theme={theme}
                canRestore={canEdit}
                savedNumber={baseline.number}
                restoring={save.restoring}
                onDiffWithWorkingCopy={(n) => void view.openDiff(n, WORKING_COPY)}
                onRestore={(n) => void save.restoreVersion(n)}
                onClose={view.closeOverlay}
              />
            )}
          </div>
          <OutputTabs
            active={bottomTab}
            onChange={setBottomTab}
            lastRun={run.lastRun}
            running={run.running}
            canEdit={canEdit}
            modKey={modKey}
            problems={problems}
            onJump={view.jumpTo}
            onOpenRun={setOpenRunId}
            onRevealProblem={(line, column) => editorRef.current?.revealPosition(line, column)}
          />
        </div>

        <Tabs<SideTab>
          label="Rule panels"
          active={sideTab}
          onChange={setSideTab}
          tabs={[
            { key: "inputs", name: "Test inputs", label: "Test inputs" },
            { key: "versions", name: "Versions", label: "Versions" },
            { key: "history", name: "History", label: "History" },
            { key: "settings", name: "Settings", label: "Settings" },
            { key: "call", name: "Call", label: "Call" },
          ]}
        >
          {sideTab === "inputs" && (
            <TestInputsPanel
              drafts={inputs.drafts}
              selectedKey={inputs.selectedKey}
              statuses={run.caseStatuses}
              busyKeys={inputs.busyKeys}
              runningAll={run.runningAll}
              readOnly={!canEdit}
              onSelect={inputs.setSelectedKey}
              onChange={inputs.patchDraft}
              onSave={(k) => void inputs.saveDraft(k)}
              onDelete={(k) => void inputs.deleteDraft(k)}
              onAdd={() => inputs.addDraft()}
              onRunAll={() => void run.runAll()}
              onShowResult={run.showCaseResult}
            />
          )}
          {sideTab === "versions" && (
            <VersionsPanel
              versions={versions}
              currentNumber={latestNumber}
              busy={save.restoring}
              onOpen={(n) => void view.openVersion(n)}
              onDiff={(l, r) => void view.openDiff(l, r)}
              onRestore={(n) => void save.restoreVersion(n)}
              canRestore={canEdit}
              liveNumber={deployments.published}
            />
          )}
          {sideTab === "versions" && (
            <section aria-label="Deployment timeline" className="rb-stack" style={{ marginTop: 12 }}>
              <h3 style={{ margin: 0, fontSize: 13 }}>Deployments</h3>
              <DeploymentsList deployments={deployments.deployments} live={deployments.published} busy={deployments.publishing} archived={rule.archived} canRollBack={canPublish} onRollBack={(n) => void rollBack(n)} />
            </section>
          )}
          {sideTab === "history" && <RunHistoryPanel ruleId={rule.id} refreshToken={run.historyToken} onOpen={setOpenRunId} />}
          {sideTab === "call" && (
            <CallRulePanel ruleId={rule.id} input={inputs.callExample.input} inputName={inputs.callExample.name} publishedVersion={deployments.published} archived={rule.archived} />
          )}
          {/* Kept mounted while hidden, so edits not yet saved survive a look at another tab. */}
          <div hidden={sideTab !== "settings"}>
            <SettingsPanel ruleId={rule.id} name={rule.name} description={rule.description} limits={rule.limits} readOnly={!canEdit} onSaved={applySettings} />
          </div>
        </Tabs>
      </div>

      {canPublish && (
        <PublishDialog
          open={publishOpen}
          ruleId={rule.id}
          versions={versions ?? []}
          live={deployments.published}
          initialVersion={latestNumber}
          publishing={deployments.publishing}
          theme={theme}
          onClose={closePublishDialog}
          onPublish={(v, message) => void publishVersion(v, message)}
          onError={pushError}
        />
      )}

      <SaveDialog
        open={save.saveOpen}
        saving={save.saving}
        language={language}
        unchangedFrom={dirty ? null : baseline.number}
        nextNumber={(latestNumber ?? baseline.number ?? 0) + 1}
        onClose={save.closeSaveDialog}
        onSave={(m) => void save.saveVersion(m)}
      />

      <RunDetailDialog
        runId={openRunId}
        canRun={canEdit}
        onClose={closeRunDetail}
        onJump={(r, line, column) => void view.jumpToRunFrame(r, line, column)}
        onRerun={(input) => {
          setOpenRunId(null);
          void run.runSelected({ input, caption: "input from a recorded run" });
        }}
        onUseAsInput={(input) => {
          setOpenRunId(null);
          inputs.addDraft(input);
        }}
      />

      <WorkspaceToasts status={status} onDismissStatus={() => setStatus(null)} errors={errors} onDismissError={dismissError} />
    </div>
  );
}
