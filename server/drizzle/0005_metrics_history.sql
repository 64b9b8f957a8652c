CREATE TABLE `metric_blocks` (
	`series_id` integer NOT NULL,
	`tier` integer NOT NULL,
	`start_ts` integer NOT NULL,
	`end_ts` integer NOT NULL,
	`count` integer NOT NULL,
	`data` blob NOT NULL,
	PRIMARY KEY(`series_id`, `tier`, `start_ts`)
);
--> statement-breakpoint
CREATE INDEX `metric_blocks_tier_end` ON `metric_blocks` (`tier`,`end_ts`);--> statement-breakpoint
CREATE TABLE `metric_marks` (
	`key` text PRIMARY KEY NOT NULL,
	`value` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `metric_segments` (
	`id` integer PRIMARY KEY NOT NULL,
	`max_ts` integer NOT NULL,
	`data` blob NOT NULL
);
--> statement-breakpoint
CREATE TABLE `metric_series` (
	`id` integer PRIMARY KEY NOT NULL,
	`resource_type` text NOT NULL,
	`resource_id` text NOT NULL,
	`metric` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `metric_series_key` ON `metric_series` (`resource_type`,`resource_id`,`metric`);