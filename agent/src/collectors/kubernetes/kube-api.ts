// The client-node API objects the collector uses, with a per-request timeout and one reused connection pool.
import {
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  CustomObjectsApi,
  createConfiguration,
  type HttpLibrary,
  IsomorphicFetchHttpLibrary,
  type KubeConfig,
  type RequestContext,
  type SecurityAuthentication,
  ServerConfiguration,
  setHeaderMiddleware,
  VersionApi,
} from '@kubernetes/client-node';

type Dispatcher = NonNullable<ReturnType<RequestContext['getDispatcher']>>;

export interface KubeApi {
  core: CoreV1Api;
  apps: AppsV1Api;
  batch: BatchV1Api;
  custom: CustomObjectsApi;
  version: VersionApi;
  /** Every request from now on also aborts with this signal (the cycle's deadline); undefined clears it. */
  setSignal(signal: AbortSignal | undefined): void;
  /** Ends the kept-alive connections. */
  close(): void;
}

export interface KubeApiOptions {
  requestTimeoutMs: number;
  userAgent: string;
}

/**
 * KubeConfig.applySecurityAuthentication builds a new undici Agent for every request when the cluster
 * has a CA or client certificate, so each call pays a TCP and TLS handshake and the agents pile up
 * until collected. The TLS material is fixed for the life of a connection (a reconnect builds a new
 * KubeApi), so the first dispatcher is kept and reused; headers (bearer tokens, which rotate
 * in-cluster) are still applied per request.
 */
function reusingDispatcher(kc: KubeConfig): SecurityAuthentication & { dispatcher?: Dispatcher } {
  const auth: SecurityAuthentication & { dispatcher?: Dispatcher } = {
    getName: () => 'kubeconfig, one dispatcher',
    async applySecurityAuthentication(ctx: RequestContext) {
      await kc.applySecurityAuthentication(ctx);
      if (auth.dispatcher) ctx.setDispatcher(auth.dispatcher);
      else auth.dispatcher = ctx.getDispatcher();
    },
  };
  return auth;
}

export function createKubeApi(kc: KubeConfig, server: string, opts: KubeApiOptions): KubeApi {
  let cycle: AbortSignal | undefined;
  const fetchLibrary = new IsomorphicFetchHttpLibrary();
  const httpApi: HttpLibrary = {
    send(ctx) {
      const timeout = AbortSignal.timeout(opts.requestTimeoutMs);
      ctx.setSignal(cycle ? AbortSignal.any([timeout, cycle]) : timeout);
      return fetchLibrary.send(ctx);
    },
  };
  const auth = reusingDispatcher(kc);
  const config = createConfiguration({
    baseServer: new ServerConfiguration(server, {}),
    authMethods: { default: auth },
    httpApi,
    middleware: [setHeaderMiddleware('User-Agent', opts.userAgent)],
  });
  return {
    core: new CoreV1Api(config),
    apps: new AppsV1Api(config),
    batch: new BatchV1Api(config),
    custom: new CustomObjectsApi(config),
    version: new VersionApi(config),
    setSignal(signal) {
      cycle = signal;
    },
    close() {
      auth.dispatcher?.close().catch(() => {});
      auth.dispatcher = undefined;
    },
  };
}
