DROP TABLE `host_metadata`;--> statement-breakpoint
DROP TABLE `removed_hosts`;