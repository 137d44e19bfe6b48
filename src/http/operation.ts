/**
 * What an operation declares: route, method, which query options it honours, whether it takes a body, what
 * permission and partition it needs, and the store call. The pipeline (`pipeline.ts`) does the rest.
 */
import type { InvocationContext } from '@azure/functions';
import type { z } from 'zod';
import type { Authenticator, Principal } from '../auth/principal';
import type { Requirement } from '../auth/permissions';
import type { Config } from '../config';
import type { JsonObject } from '../model/resource';
import type { ContainerName } from '../store/containers';
import type { RequestBudget } from '../store/budget';
import type { EntityStore, PartitionScope } from '../store/entityStore';
import type { ItemActivityStore } from '../store/itemActivityStore';
import type { TelemetrySink } from '../telemetry';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** One store per container; item activities also hold references. */
export type Stores = Readonly<Record<ContainerName, EntityStore>> & { readonly itemActivities: ItemActivityStore };

/** What a process builds once and every operation shares. */
export interface Services {
  readonly config: Config;
  readonly authenticator: Authenticator;
  readonly stores: Stores;
  readonly telemetry: TelemetrySink;
  /** A cheap read that proves the database answers (readiness, `GET /health`). */
  readonly pingDatabase: (abortSignal: AbortSignal) => Promise<void>;
}

/**
 * A body an operation takes as it comes, instead of a JSON object: Graph's CSV, or JSON it parses itself. The
 * pipeline checks its size (413) and media type (415) and hands over the bytes.
 */
export interface RawBodyDeclaration {
  /** The media types it takes (without parameters; a charset, if given, must be utf-8). */
  readonly mediaTypes: readonly string[];
  /** Its size limit in bytes, from the settings. */
  maxBytes(config: Config): number;
}

/** A body as it came: its bytes and its media type (one of the declaration's). */
export interface RawBody {
  readonly bytes: Buffer;
  readonly mediaType: string;
}

export interface OperationInput {
  readonly principal: Principal;
  readonly scope: PartitionScope;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly headers: Headers;
  /** The parsed JSON object body, for operations that take one. */
  readonly body: JsonObject | undefined;
  /** The body as it came, for operations that declare `rawBody`. */
  readonly rawBody?: RawBody;
  readonly url: URL;
  readonly services: Services;
  /** The Functions invocation the request runs in (its log; JSON batching runs sub-requests in it). */
  readonly invocation: InvocationContext;
  /** The request's deadline for store work, and its request-unit count. */
  readonly budget: RequestBudget;
}

export interface OperationResult {
  readonly status: number;
  /** A JSON body; absent for 204. */
  readonly body?: JsonObject;
  /** A body that is not JSON (e.g. a CSV report), instead of `body`. */
  readonly text?: { readonly contentType: string; readonly content: string };
  readonly headers?: Record<string, string>;
}

/** Who may call an operation and where its data lives, from the principal and the path. */
export interface Access {
  readonly requirement: Requirement;
  readonly scope: PartitionScope;
}

interface OperationShape {
  /** The operation id, also the Azure Function's name. */
  readonly name: string;
  readonly method: HttpMethod;
  /** The Azure Functions route template (the host's route prefix is empty). */
  readonly route: string;
  /**
   * Other URL forms of the same operation (a function's OData canonical form with `()`, its namespace-
   * qualified form): the local host serves them, and in Azure the catch-all function runs the operation.
   */
  readonly aliases?: readonly string[];
  readonly hasBody: boolean;
  /** A body taken as it comes (instead of `hasBody`'s JSON object). */
  readonly rawBody?: RawBodyDeclaration;
  /** The `$` query options it honours; any other is a 400. */
  readonly queryOptions: readonly string[];
  /** How the OpenAPI document describes it, when it is none of a collection's operations nor a function. */
  readonly description?: OperationDescription;
}

/** An operation's bodies, by content type, and its answers, by status, for the OpenAPI document. */
export interface OperationDescription {
  readonly summary: string;
  readonly requestBodies?: Readonly<Record<string, z.ZodType>>;
  readonly responses: Readonly<
    Record<string, { readonly description: string; readonly contentType?: string; readonly body?: z.ZodType }>
  >;
}

/** An operation on a tenant's data: the caller is authenticated and authorized before it runs. */
export interface AuthenticatedOperation extends OperationShape {
  readonly anonymous?: false;
  /** May throw 400 (e.g. `me` with an app-only token). */
  access(principal: Principal, params: Readonly<Record<string, string>>): Access;
  handle(input: OperationInput): Promise<OperationResult>;
}

/** What an anonymous operation gets: no principal and no partition, so it cannot reach a tenant's data. */
export type AnonymousInput = Omit<OperationInput, 'principal' | 'scope'>;

/**
 * An operation served without a token, as Graph serves its own (`$metadata`): no authentication, no
 * permission and no tenant. Only documents about the service itself are such operations.
 */
export interface AnonymousOperation extends OperationShape {
  readonly anonymous: true;
  handle(input: AnonymousInput): Promise<OperationResult>;
}

export type Operation = AuthenticatedOperation | AnonymousOperation;
