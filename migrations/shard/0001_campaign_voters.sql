-- One ballot per voter and subject in a campaign, across its sessions: the members, households and leaders who have
-- cast (or said 不了解) on a subject, keyed with the server secret and the campaign (WITHOUT ROWID, no time).
CREATE TABLE `evaluation_campaign_voters` (
	`tenant_id` text NOT NULL,
	`campaign_id` text NOT NULL,
	`subject_kind` text NOT NULL,
	`subject_id` text NOT NULL,
	`voter_hash` text NOT NULL,
	PRIMARY KEY(`tenant_id`, `campaign_id`, `voter_hash`, `subject_kind`, `subject_id`),
	FOREIGN KEY (`campaign_id`) REFERENCES `evaluation_campaigns`(`id`) ON UPDATE no action ON DELETE no action
) WITHOUT ROWID;
