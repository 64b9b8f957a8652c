-- Host metadata and host removal blocks move into the tables shared by every kind of agent.
INSERT INTO `resource_metadata` (`kind`, `id`, `custom_url`, `description`, `tags`, `notes`, `updated_at`)
  SELECT 'host', `host_id`, `custom_url`, `description`, `tags`, `notes`, `updated_at` FROM `host_metadata`;
--> statement-breakpoint
INSERT INTO `removed_agents` (`kind`, `id`, `name`, `removed_at`)
  SELECT 'host', `host_id`, `hostname`, `removed_at` FROM `removed_hosts`;
