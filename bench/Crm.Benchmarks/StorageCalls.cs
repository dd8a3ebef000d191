using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Crm.Benchmarks;

/// <summary>Table storage calls by kind, and rows in queries' answers and in batches, since some moment.</summary>
internal sealed record StorageCallCounts(long PointReads, long Queries, long QueryRows, long Batches, long BatchRows, long OtherWrites, long Other)
{
    public long Calls => PointReads + Queries + Batches + OtherWrites + Other;

    public StorageCallCounts Minus(StorageCallCounts before) => new(PointReads - before.PointReads, Queries - before.Queries,
        QueryRows - before.QueryRows, Batches - before.Batches, BatchRows - before.BatchRows, OtherWrites - before.OtherWrites, Other - before.Other);

    /// <summary>For example "2.00 calls: 1.00 point read, 1.00 EGT (10.0 rows each)" per operation.</summary>
    public string PerOperation(long operations)
    {
        if (operations <= 0)
        {
            return "-";
        }
        string Per(long n) => ((double)n / operations).ToString("F2", System.Globalization.CultureInfo.InvariantCulture);
        var parts = new List<string>();
        if (PointReads > 0)
        {
            parts.Add($"{Per(PointReads)} point read");
        }
        if (Queries > 0)
        {
            parts.Add($"{Per(Queries)} query" + (QueryRows > 0 ? $" ({(double)QueryRows / Queries:F1} rows each)" : ""));
        }
        if (Batches > 0)
        {
            parts.Add($"{Per(Batches)} EGT" + (BatchRows > 0 ? $" ({(double)BatchRows / Batches:F1} rows each)" : ""));
        }
        if (OtherWrites > 0)
        {
            parts.Add($"{Per(OtherWrites)} single-row write");
        }
        if (Other > 0)
        {
            parts.Add($"{Per(Other)} other");
        }
        return $"{Per(Calls)} calls" + (parts.Count > 0 ? ": " + string.Join(", ", parts) : "");
    }
}

/// <summary>
/// An Azure SDK pipeline policy on the service's <c>TableServiceClient</c> that counts what the
/// service asks of Table Storage: how many round trips an API request costs, and how many rows.
/// Calls made while an HTTP request is being handled (<see cref="InRequest"/>, set by a middleware)
/// are counted apart from background work such as the outbox dispatch.
/// </summary>
internal sealed class StorageCallCounter : HttpPipelinePolicy
{
    public static readonly AsyncLocal<bool> InRequest = new();

    private readonly Tally _request = new();
    private readonly Tally _background = new();

    /// <summary>Also count rows (parses query answers, re-reads batch bodies); off while timing.</summary>
    public bool Detailed { get; set; }

    public (StorageCallCounts Request, StorageCallCounts Background) Snapshot() => (_request.Snapshot(), _background.Snapshot());

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        ProcessNext(message, pipeline);
        (InRequest.Value ? _request : _background).Count(message, Detailed);
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        await ProcessNextAsync(message, pipeline);
        (InRequest.Value ? _request : _background).Count(message, Detailed);
    }

    private sealed class Tally
    {
        private long _pointReads, _queries, _queryRows, _batches, _batchRows, _otherWrites, _other;

        public StorageCallCounts Snapshot() => new(Interlocked.Read(ref _pointReads), Interlocked.Read(ref _queries), Interlocked.Read(ref _queryRows),
            Interlocked.Read(ref _batches), Interlocked.Read(ref _batchRows), Interlocked.Read(ref _otherWrites), Interlocked.Read(ref _other));

        public void Count(HttpMessage message, bool detailed)
        {
            var request = message.Request;
            var path = request.Uri.Path;
            var method = request.Method;
            if (method == RequestMethod.Get && path.EndsWith("()", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _queries);
                Interlocked.Add(ref _queryRows, detailed ? RowsIn(message) : 0);
            }
            else if (method == RequestMethod.Get && path.EndsWith(')'))
            {
                Interlocked.Increment(ref _pointReads);
            }
            else if (method == RequestMethod.Post && path.EndsWith("$batch", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _batches);
                Interlocked.Add(ref _batchRows, detailed ? ChangesIn(request) : 0);
            }
            else if (method != RequestMethod.Get && path.Contains('(', StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _otherWrites);
            }
            else if (method == RequestMethod.Post && !path.EndsWith("/Tables", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _otherWrites);
            }
            else
            {
                Interlocked.Increment(ref _other);
            }
        }

        private static long RowsIn(HttpMessage message)
        {
            if (!message.HasResponse || message.Response.Status != 200)
            {
                return 0;
            }
            try
            {
                using var document = JsonDocument.Parse(message.Response.Content.ToMemory());
                return document.RootElement.TryGetProperty("value", out var value) ? value.GetArrayLength() : 0;
            }
            catch (JsonException)
            {
                return 0;
            }
        }

        /// <summary>The changes in a $batch body: one embedded HTTP request line each.</summary>
        private static long ChangesIn(Request request)
        {
            if (request.Content is null)
            {
                return 0;
            }
            using var buffer = new MemoryStream();
            request.Content.WriteTo(buffer, CancellationToken.None);
            var text = System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
            return text.Split('\n').Count(line => line.Contains(" HTTP/1.1", StringComparison.Ordinal));
        }
    }
}
