namespace Crm.Platform.Transfers;

/// <summary>Import and export job settings (configuration section <c>Transfers</c>).</summary>
public sealed class TransferOptions
{
    public const string Section = "Transfers";

    /// <summary>A bigger upload answers 413.</summary>
    public long MaxImportBytes { get; set; } = 20 * 1024 * 1024;

    /// <summary>A file with more data rows answers 400 <c>import.too_many_rows</c>.</summary>
    public int MaxImportRows { get; set; } = 50_000;

    /// <summary>Rows written at once: enough to keep storage busy, few enough to leave room for other tenants' requests.</summary>
    public int ImportParallelism { get; set; } = 16;

    /// <summary>Rows between progress checkpoints: after a crash, at most this many rows are looked at again.</summary>
    public int ImportChunkSize { get; set; } = 500;

    /// <summary>An export with more rows fails with <c>export.too_large</c>.</summary>
    public int MaxExportRows { get; set; } = 50_000;

    /// <summary>Export files are deleted this many days after they were made.</summary>
    public int ExportFileDays { get; set; } = 7;
}
