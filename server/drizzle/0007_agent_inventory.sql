CREATE TABLE `agent_inventory` (
	`kind` text NOT NULL,
	`id` text NOT NULL,
	`item` text NOT NULL,
	`token_id` text,
	`last_seen` integer NOT NULL,
	`reported_at` integer NOT NULL,
	`stream_id` text,
	`stream_seq` integer,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`kind`, `id`)
);
