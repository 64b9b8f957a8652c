CREATE TABLE `host_links` (
	`host_id` text PRIMARY KEY NOT NULL,
	`node_id` text,
	`updated_at` integer NOT NULL
);
