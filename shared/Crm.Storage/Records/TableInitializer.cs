using Azure.Data.Tables;
using Crm.Storage.Events;
using Crm.Storage.Tenants;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Crm.Storage.Records;

/// <summary>
/// Creates every table the app uses before the app serves requests: the record types' stores, the
/// change feed, the tenants and every <see cref="TableDeclaration"/> a feature registered. When storage cannot be reached at
/// start (a role assignment still propagating, a network outage) the host starts all the same, not ready:
/// <c>/readyz</c> reports why, and creation is retried in the background until it succeeds.
/// </summary>
public sealed class TableInitializer(
    RecordTypeRegistry registry,
    EventFeed feed,
    TenantStore tenants,
    IEnumerable<TableDeclaration> declared,
    TableServiceClient service,
    StorageOptions options,
    TimeProvider time,
    ILogger<TableInitializer> logger) : IHostedService, IDisposable
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromMinutes(1);

    private readonly CancellationTokenSource _stopping = new();
    private volatile bool _created;
    private volatile bool _disposed;
    private volatile Exception? _lastError;
    private Task _retrying = Task.CompletedTask;

    /// <summary>True once every table exists.</summary>
    public bool Created => _created;

    /// <summary>Why the last attempt failed, while <see cref="Created"/> is false.</summary>
    public Exception? LastError => _lastError;

    /// <summary>Creates the tables or throws; what <c>run-job</c> calls before a job.</summary>
    public async Task CreateTablesAsync(CancellationToken cancellationToken)
    {
        var tables = registry.Stores.Select(s => s.Table).Append(feed.Table).Append(tenants.Table)
            .Concat(declared.Select(t => t.Name).Distinct().Select(t => service.GetTableClient(options.Table(t))));
        await Task.WhenAll(tables.Select(t => t.CreateIfNotExistsAsync(cancellationToken))).ConfigureAwait(false);
        _lastError = null;
        _created = true;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await CreateTablesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            _lastError = ex;
            logger.LogError(ex, "Could not create the tables in {TableService}; the instance stays not ready and retries in the background", service.Uri);
            _retrying = RetryAsync(_stopping.Token);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_disposed)
        {
            return; // a second stop of a host that is already disposed
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _retrying.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _disposed = true;
        _stopping.Dispose();
    }

    private async Task RetryAsync(CancellationToken stopping)
    {
        var delay = FirstRetry;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(delay, time, stopping).ConfigureAwait(false);
                await CreateTablesAsync(stopping).ConfigureAwait(false);
                logger.LogInformation("Created the tables in {TableService}; the instance is ready", service.Uri);
                return;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                _lastError = ex;
                logger.LogWarning(ex, "Still cannot create the tables in {TableService}; retrying in {Delay}", service.Uri, delay);
                delay = delay * 2 < LongestRetry ? delay * 2 : LongestRetry;
            }
        }
    }
}
