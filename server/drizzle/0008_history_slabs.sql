-- Raw samples move from per-series blocks to slabs (one row per two minutes and chunk of 128 series), and each
-- rollup tier to its own table keyed by (start / 60) × 2^24 + series id, so that writes append and
-- retention deletes at the two ends of each table. Existing rollup blocks move over with their start
-- aligned to their span; raw blocks stay in metric_blocks until the raw retention drops them.
CREATE TABLE `metric_daily` (
	`id` integer PRIMARY KEY NOT NULL,
	`series_id` integer NOT NULL,
	`start_ts` integer NOT NULL,
	`end_ts` integer NOT NULL,
	`count` integer NOT NULL,
	`data` blob NOT NULL
);
--> statement-breakpoint
CREATE TABLE `metric_hourly` (
	`id` integer PRIMARY KEY NOT NULL,
	`series_id` integer NOT NULL,
	`start_ts` integer NOT NULL,
	`end_ts` integer NOT NULL,
	`count` integer NOT NULL,
	`data` blob NOT NULL
);
--> statement-breakpoint
CREATE TABLE `metric_minute` (
	`id` integer PRIMARY KEY NOT NULL,
	`series_id` integer NOT NULL,
	`start_ts` integer NOT NULL,
	`end_ts` integer NOT NULL,
	`count` integer NOT NULL,
	`data` blob NOT NULL
);
--> statement-breakpoint
CREATE TABLE `metric_slabs` (
	`id` integer PRIMARY KEY NOT NULL,
	`start_ts` integer NOT NULL,
	`chunk` integer NOT NULL,
	`count` integer NOT NULL,
	`data` blob NOT NULL
);
--> statement-breakpoint
INSERT OR REPLACE INTO `metric_minute` (`id`, `series_id`, `start_ts`, `end_ts`, `count`, `data`)
  SELECT (("start_ts" - "start_ts" % 3600) / 60) * 16777216 + "series_id", "series_id", "start_ts" - "start_ts" % 3600, "end_ts", "count", "data"
  FROM `metric_blocks` WHERE "tier" = 1 ORDER BY 1;--> statement-breakpoint
INSERT OR REPLACE INTO `metric_hourly` (`id`, `series_id`, `start_ts`, `end_ts`, `count`, `data`)
  SELECT (("start_ts" - "start_ts" % 86400) / 60) * 16777216 + "series_id", "series_id", "start_ts" - "start_ts" % 86400, "end_ts", "count", "data"
  FROM `metric_blocks` WHERE "tier" = 2 ORDER BY 1;--> statement-breakpoint
INSERT OR REPLACE INTO `metric_daily` (`id`, `series_id`, `start_ts`, `end_ts`, `count`, `data`)
  SELECT (("start_ts" - "start_ts" % 604800) / 60) * 16777216 + "series_id", "series_id", "start_ts" - "start_ts" % 604800, "end_ts", "count", "data"
  FROM `metric_blocks` WHERE "tier" = 3 ORDER BY 1;--> statement-breakpoint
DELETE FROM `metric_blocks` WHERE "tier" > 0;
