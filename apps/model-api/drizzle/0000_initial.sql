CREATE TABLE `api_keys` (
	`id` varchar(40) NOT NULL,
	`tenant_id` varchar(64) NOT NULL,
	`name` varchar(128) NOT NULL,
	`prefix` varchar(16) NOT NULL,
	`secret_hash` varchar(64) NOT NULL,
	`models` json,
	`requests_per_minute` int,
	`tokens_per_minute` int,
	`max_concurrency` int,
	`expires_at` datetime(3),
	`revoked_at` datetime(3),
	`created_by` varchar(128) NOT NULL,
	`created_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	`updated_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	CONSTRAINT `api_keys_id` PRIMARY KEY(`id`),
	CONSTRAINT `api_keys_secret_hash` UNIQUE(`secret_hash`)
);
--> statement-breakpoint
CREATE TABLE `model_versions` (
	`id` varchar(40) NOT NULL,
	`tenant_id` varchar(64) NOT NULL,
	`model_id` varchar(40) NOT NULL,
	`version` varchar(64) NOT NULL,
	`artifact_uri` varchar(1024) NOT NULL,
	`format` varchar(32) NOT NULL,
	`size_bytes` bigint,
	`checksum` varchar(128),
	`metadata` json NOT NULL,
	`stage` enum('none','staging','production','archived') NOT NULL DEFAULT 'none',
	`production_model_id` varchar(40) GENERATED ALWAYS AS ((case when `stage` = 'production' then `model_id` end)) STORED,
	`created_by` varchar(128) NOT NULL,
	`created_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	`updated_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	CONSTRAINT `model_versions_id` PRIMARY KEY(`id`),
	CONSTRAINT `model_versions_model_version` UNIQUE(`model_id`,`version`),
	CONSTRAINT `model_versions_one_production` UNIQUE(`production_model_id`)
);
--> statement-breakpoint
CREATE TABLE `models` (
	`id` varchar(40) NOT NULL,
	`tenant_id` varchar(64) NOT NULL,
	`name` varchar(128) NOT NULL,
	`task` enum('chat','completion','embedding','rerank') NOT NULL,
	`description` text,
	`tags` json NOT NULL,
	`created_by` varchar(128) NOT NULL,
	`created_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	`updated_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	CONSTRAINT `models_id` PRIMARY KEY(`id`),
	CONSTRAINT `models_tenant_name` UNIQUE(`tenant_id`,`name`)
);
--> statement-breakpoint
CREATE TABLE `serving_deployments` (
	`id` varchar(40) NOT NULL,
	`tenant_id` varchar(64) NOT NULL,
	`served_name` varchar(128) NOT NULL,
	`model_version_id` varchar(40) NOT NULL,
	`replicas` int NOT NULL,
	`tensor_parallel_size` int NOT NULL,
	`gpu` json NOT NULL,
	`image` varchar(512) NOT NULL,
	`args` json NOT NULL,
	`routing` varchar(32) NOT NULL DEFAULT 'least-outstanding',
	`fallback_model` varchar(128),
	`status` enum('recorded','applied','failed','deleting') NOT NULL,
	`manifests` json NOT NULL,
	`last_error` text,
	`created_by` varchar(128) NOT NULL,
	`created_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	`updated_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	CONSTRAINT `serving_deployments_id` PRIMARY KEY(`id`),
	CONSTRAINT `serving_deployments_served_name` UNIQUE(`served_name`)
);
--> statement-breakpoint
CREATE TABLE `tenant_limits` (
	`tenant_id` varchar(64) NOT NULL,
	`requests_per_minute` int,
	`tokens_per_minute` int,
	`max_concurrency` int,
	`created_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	`updated_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	CONSTRAINT `tenant_limits_tenant_id` PRIMARY KEY(`tenant_id`)
);
--> statement-breakpoint
CREATE TABLE `usage_hourly` (
	`tenant_id` varchar(64) NOT NULL,
	`api_key_id` varchar(40) NOT NULL,
	`model` varchar(128) NOT NULL,
	`hour` datetime NOT NULL,
	`requests` bigint NOT NULL,
	`errors` bigint NOT NULL,
	`prompt_tokens` bigint NOT NULL,
	`completion_tokens` bigint NOT NULL,
	CONSTRAINT `usage_hourly_tenant_id_api_key_id_model_hour_pk` PRIMARY KEY(`tenant_id`,`api_key_id`,`model`,`hour`)
);
--> statement-breakpoint
ALTER TABLE `model_versions` ADD CONSTRAINT `model_versions_model_id_models_id_fk` FOREIGN KEY (`model_id`) REFERENCES `models`(`id`) ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `serving_deployments` ADD CONSTRAINT `serving_deployments_model_version_id_model_versions_id_fk` FOREIGN KEY (`model_version_id`) REFERENCES `model_versions`(`id`) ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX `api_keys_tenant_id` ON `api_keys` (`tenant_id`,`id`);--> statement-breakpoint
CREATE INDEX `model_versions_tenant_model` ON `model_versions` (`tenant_id`,`model_id`,`id`);--> statement-breakpoint
CREATE INDEX `models_tenant_id` ON `models` (`tenant_id`,`id`);--> statement-breakpoint
CREATE INDEX `serving_deployments_tenant_id` ON `serving_deployments` (`tenant_id`,`id`);--> statement-breakpoint
CREATE INDEX `usage_hourly_tenant_hour` ON `usage_hourly` (`tenant_id`,`hour`);