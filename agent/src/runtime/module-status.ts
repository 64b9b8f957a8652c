// Module states the agent reports (agent.modules[]) and serves on /status and /metrics.
export type ModuleName = 'host' | 'docker' | 'kubernetes';
export type ModuleState = 'disabled' | 'starting' | 'running' | 'retrying' | 'unavailable';

export interface ModuleStatus {
  name: ModuleName;
  enabled: boolean;
  state: ModuleState;
  lastError?: string;
  updatedAt: string;
  /** Optional sections that produced nothing this cycle, with the reason (e.g. smartctl missing). */
  notes?: Record<string, string>;
}

export class ModuleRegistry {
  private readonly modules = new Map<ModuleName, ModuleStatus>();

  set(name: ModuleName, patch: Partial<Omit<ModuleStatus, 'name' | 'updatedAt'>>): void {
    const prev = this.modules.get(name);
    this.modules.set(name, {
      name,
      enabled: patch.enabled ?? prev?.enabled ?? false,
      state: patch.state ?? prev?.state ?? 'disabled',
      lastError: 'lastError' in patch ? patch.lastError : prev?.lastError,
      notes: patch.notes ?? prev?.notes,
      updatedAt: new Date().toISOString(),
    });
  }

  list(): ModuleStatus[] {
    return [...this.modules.values()];
  }
}
