CREATE TABLE `api_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`hash` text NOT NULL,
	`prefix` text NOT NULL,
	`suffix` text NOT NULL,
	`scopes` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_used_at` integer,
	`expires_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_hash_unique` ON `api_tokens` (`hash`);--> statement-breakpoint
CREATE TABLE `host_identities` (
	`host_id` text PRIMARY KEY NOT NULL,
	`hostname` text NOT NULL,
	`token_id` text,
	`machine_id` text,
	`agent_id` text NOT NULL,
	`first_seen` integer NOT NULL,
	`last_seen` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `host_metadata` (
	`host_id` text PRIMARY KEY NOT NULL,
	`custom_url` text DEFAULT '' NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`tags` text NOT NULL,
	`notes` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `removed_hosts` (
	`host_id` text PRIMARY KEY NOT NULL,
	`hostname` text NOT NULL,
	`removed_at` integer NOT NULL
);
