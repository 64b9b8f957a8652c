CREATE TABLE `proxmox_instances` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`name` text NOT NULL,
	`host` text NOT NULL,
	`guest_url` text,
	`user` text,
	`token_name` text,
	`secret` text NOT NULL,
	`verify_ssl` integer NOT NULL,
	`fingerprint` text,
	`options` text NOT NULL,
	`cluster` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
