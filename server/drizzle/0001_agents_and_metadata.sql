CREATE TABLE `agent_settings` (
	`kind` text NOT NULL,
	`id` text NOT NULL,
	`hidden` integer DEFAULT false NOT NULL,
	`pending_uninstall` integer DEFAULT false NOT NULL,
	`display_name` text,
	`token_id` text,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`kind`, `id`)
);
--> statement-breakpoint
CREATE TABLE `removed_agents` (
	`kind` text NOT NULL,
	`id` text NOT NULL,
	`name` text NOT NULL,
	`removed_at` integer NOT NULL,
	PRIMARY KEY(`kind`, `id`)
);
--> statement-breakpoint
CREATE TABLE `resource_metadata` (
	`kind` text NOT NULL,
	`id` text NOT NULL,
	`custom_url` text DEFAULT '' NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`tags` text NOT NULL,
	`notes` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`kind`, `id`)
);
