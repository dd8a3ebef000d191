using Crm.Domain.Querying;

namespace Crm.Domain.Transfers;

public enum TransferStatus
{
    Queued, Running, Succeeded, Failed, Cancelled,
}

public enum ImportMode
{
    /// <summary>Every row creates a record; a row that collides with an existing one (a duplicate name) is rejected.</summary>
    Create,

    /// <summary>Like create, but a row colliding with an existing record is counted as skipped, not rejected.</summary>
    SkipDuplicates,

    /// <summary>A row whose key matches one visible record updates it; a row matching none creates one.</summary>
    UpdateByKey,
}

public enum ExportFormat
{
    Csv, Xlsx,
}

/// <summary>
/// An import or export running in the background. Counts are checkpointed after every chunk of rows,
/// so a job picked up again after a crash continues from the last checkpoint with exact counts.
/// </summary>
public sealed record TransferJob
{
    public const string Import = "import";
    public const string Export = "export";

    public string Id { get; init; } = "";
    public string Kind { get; init; } = Import;
    public string EntityType { get; init; } = "";
    public TransferStatus Status { get; init; }
    public int Total { get; init; }
    public int Processed { get; init; }
    public int Created { get; init; }
    public int Updated { get; init; }
    public int Skipped { get; init; }
    public int Failed { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public string CreatedBy { get; init; } = "";

    /// <summary>The API key the job was started with, if any: the job acts with the key's rights.</summary>
    public string? ApiKeyId { get; init; }
    public string? SourceIp { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Why a failed job stopped (a problem code and message), for the whole job rather than one row.</summary>
    public string? Error { get; init; }

    // Import settings.
    public ImportMode? Mode { get; init; }
    public string? KeyField { get; init; }
    public bool DryRun { get; init; }
    public string? SourceFileName { get; init; }

    /// <summary>Columns of the file that name read-only record fields (id, createdAt...): read past, never written.</summary>
    public IReadOnlyList<string>? IgnoredColumns { get; init; }

    /// <summary>The file's header, repeated in the rejected-rows CSV.</summary>
    public IReadOnlyList<string>? Columns { get; init; }

    // Export settings.
    public ExportFormat? Format { get; init; }
    public IReadOnlyList<string>? Ids { get; init; }
    public SearchRequest? Search { get; init; }
    public IReadOnlyList<string>? Fields { get; init; }
    public string? FileName { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }

    public bool IsFinished => Status is TransferStatus.Succeeded or TransferStatus.Failed or TransferStatus.Cancelled;
}

/// <summary>A rejected import row: its 1-based data row number (the header is row 0), its cells and why.</summary>
public sealed record ImportRowError(int Row, IReadOnlyList<string> Values, string Code, string? Field, string Reason);
