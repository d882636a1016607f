using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AgentCore.Gateway.Audit.Storage.Migrations
{
    /// <inheritdoc />
    public partial class InitialAuditSchema : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "audit_dead_letters",
                columns: table => new
                {
                    stream_entry_id = table.Column<string>(type: "text", nullable: false),
                    type = table.Column<string>(type: "text", nullable: true),
                    error = table.Column<string>(type: "text", nullable: false),
                    payload_sha256 = table.Column<string>(type: "text", nullable: true),
                    payload_length = table.Column<int>(type: "integer", nullable: false),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_dead_letters", x => x.stream_entry_id);
                });

            migrationBuilder.CreateTable(
                name: "audit_events",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    timestamp = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    type = table.Column<string>(type: "text", nullable: false),
                    client_id = table.Column<string>(type: "text", nullable: true),
                    subject = table.Column<string>(type: "text", nullable: true),
                    tenant_id = table.Column<string>(type: "text", nullable: true),
                    source_address = table.Column<string>(type: "text", nullable: true),
                    request_id = table.Column<string>(type: "text", nullable: true),
                    route = table.Column<string>(type: "text", nullable: true),
                    outcome = table.Column<string>(type: "text", nullable: false),
                    reason = table.Column<string>(type: "text", nullable: true),
                    details = table.Column<string>(type: "jsonb", nullable: true),
                    ingested_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_events", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_audit_dead_letters_received_at",
                table: "audit_dead_letters",
                column: "received_at");

            migrationBuilder.CreateIndex(
                name: "IX_audit_events_client_id_timestamp",
                table: "audit_events",
                columns: new[] { "client_id", "timestamp" });

            migrationBuilder.CreateIndex(
                name: "IX_audit_events_subject_timestamp",
                table: "audit_events",
                columns: new[] { "subject", "timestamp" });

            migrationBuilder.CreateIndex(
                name: "IX_audit_events_tenant_id_timestamp_id",
                table: "audit_events",
                columns: new[] { "tenant_id", "timestamp", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_audit_events_timestamp_id",
                table: "audit_events",
                columns: new[] { "timestamp", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_audit_events_type_timestamp_id",
                table: "audit_events",
                columns: new[] { "type", "timestamp", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "audit_dead_letters");

            migrationBuilder.DropTable(
                name: "audit_events");
        }
    }
}
