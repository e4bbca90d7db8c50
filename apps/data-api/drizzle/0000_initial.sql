CREATE TABLE `data_sources` (
	`id` varchar(40) NOT NULL,
	`tenant_id` varchar(64) NOT NULL,
	`name` varchar(128) NOT NULL,
	`type` enum('mysql','s3') NOT NULL,
	`description` text,
	`config` json NOT NULL,
	`credentials_ciphertext` text NOT NULL,
	`credentials_key_id` varchar(32) NOT NULL,
	`created_by` varchar(128) NOT NULL,
	`created_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	`updated_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	CONSTRAINT `data_sources_id` PRIMARY KEY(`id`),
	CONSTRAINT `data_sources_tenant_name` UNIQUE(`tenant_id`,`name`)
);
--> statement-breakpoint
CREATE TABLE `datasets` (
	`id` varchar(40) NOT NULL,
	`tenant_id` varchar(64) NOT NULL,
	`name` varchar(128) NOT NULL,
	`description` text,
	`data_source_id` varchar(40) NOT NULL,
	`location` json NOT NULL,
	`tags` json NOT NULL,
	`owner` varchar(128) NOT NULL,
	`columns` json NOT NULL,
	`created_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	`updated_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	CONSTRAINT `datasets_id` PRIMARY KEY(`id`),
	CONSTRAINT `datasets_tenant_name` UNIQUE(`tenant_id`,`name`)
);
--> statement-breakpoint
ALTER TABLE `datasets` ADD CONSTRAINT `datasets_data_source_id_data_sources_id_fk` FOREIGN KEY (`data_source_id`) REFERENCES `data_sources`(`id`) ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX `data_sources_tenant_id` ON `data_sources` (`tenant_id`,`id`);--> statement-breakpoint
CREATE INDEX `datasets_tenant_id` ON `datasets` (`tenant_id`,`id`);--> statement-breakpoint
CREATE INDEX `datasets_tenant_source` ON `datasets` (`tenant_id`,`data_source_id`);