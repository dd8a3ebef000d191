using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.ApiTests.Infrastructure;

/// <summary>
/// The real service in-process against the test run's Azurite, with its own table and queue
/// prefix, so test classes run in parallel and leave nothing behind.
/// </summary>
public class CrmApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string PlatformKey = "test-platform-key-0123456789";
    public const string SigningKey = "test-signing-key-0123456789-0123456789-0123456789";

    public static string StorageConnection => Environment.GetEnvironmentVariable("CRM_TEST_STORAGE") is { Length: > 0 } cs ? cs : "UseDevelopmentStorage=true";

    private readonly bool _ownsStorage;

    public CrmApp() : this("t" + Guid.NewGuid().ToString("N")[..12], ownsStorage: true)
    {
    }

    protected CrmApp(string prefix, bool ownsStorage)
    {
        Prefix = prefix;
        _ownsStorage = ownsStorage;
    }

    public string Prefix { get; }

    /// <summary>
    /// A second host on this one's storage (its tables, queues and task hub), as the service started again after a stop
    /// or a deploy, with the default settings. Disposing it only stops it: the storage stays this app's to delete.
    /// </summary>
    public CrmApp OnSameStorage() => new(Prefix, ownsStorage: false);

    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Storage:ConnectionString", StorageConnection);
        builder.UseSetting("Storage:Prefix", Prefix);
        builder.UseSetting("Auth:SigningKey", SigningKey);
        // Password hashing at the production cost (100,000 PBKDF2 iterations) would dominate the suite's CPU time.
        builder.UseSetting("Auth:PasswordHashIterations", "1000");
        builder.UseSetting("CRM_PLATFORM_KEY", PlatformKey);
        builder.UseSetting("AzureFunctionsJobHost:extensions:queues:maxPollingInterval", "00:00:02");
        builder.UseSetting("Triggers:Timers:Enabled", "false");
        // Orchestrations (approvals, recurring shipments) at test speed: DTFx's defaults poll idle queues every 30 s and
        // take partitions after 10 s, which would make every approval test wait that long.
        builder.UseSetting("Orchestrations:MaxQueuePollingInterval", "00:00:00.500");
        builder.UseSetting("Orchestrations:LeaseInterval", "00:00:04");
        builder.UseSetting("Orchestrations:LeaseRenewInterval", "00:00:01");
        builder.UseSetting("Orchestrations:LeaseAcquireInterval", "00:00:01");
        // An owned record type of the tests' own (Access/Memos), registered like any feature's.
        builder.ConfigureServices(services => Crm.ApiTests.Access.Memos.MemoRegistration.AddMemos(services));
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public Task InitializeAsync()
    {
        Start(); // starts the host: tables are created before the first test runs
        return Task.CompletedTask;
    }

    protected virtual void Start() => _ = Server;

    private int _hostDisposed;

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (!_ownsStorage)
        {
            return;
        }
        var tables = new TableServiceClient(StorageConnection);
        await foreach (var table in tables.QueryAsync(t => t.Name.CompareTo(Prefix) >= 0 && t.Name.CompareTo(Prefix + "~") < 0))
        {
            await tables.DeleteTableAsync(table.Name);
        }
        var blobs = new Azure.Storage.Blobs.BlobServiceClient(StorageConnection);
        await foreach (var container in blobs.GetBlobContainersAsync(prefix: Prefix.ToLowerInvariant()))
        {
            await blobs.DeleteBlobContainerAsync(container.Name);
        }
        var queues = new QueueServiceClient(StorageConnection);
        await foreach (var queue in queues.GetQueuesAsync(prefix: Prefix.ToLowerInvariant()))
        {
            await queues.DeleteQueueAsync(queue.Name);
        }
    }

    /// <summary>
    /// xUnit disposes a fixture through both IAsyncLifetime and IDisposable; stopping an already
    /// disposed host throws, so whichever comes first stops it and the other does nothing.
    /// </summary>
    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _hostDisposed, 1) == 0)
        {
            await base.DisposeAsync();
        }
        GC.SuppressFinalize(this);
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2215", Justification = "The base's work is done by DisposeAsync, exactly once.")]
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    public T Service<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>A new tenant with its administrator signed in.</summary>
    public async Task<TestTenant> NewTenantAsync(string? slug = null)
    {
        slug ??= "co-" + Guid.NewGuid().ToString("N")[..10];
        var anonymous = CreateClient();
        anonymous.DefaultRequestHeaders.Add("X-Platform-Key", PlatformKey);
        var response = await anonymous.PostAsJsonAsync("/api/v1/tenants", new
        {
            name = "Company " + slug,
            slug,
            adminLogin = "admin@" + slug + ".test",
            adminPassword = "Admin-Password-1",
            adminName = "Admin",
        });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        var tenant = new TestTenant(this, body!["tenant"]!["id"]!.GetValue<string>(), slug,
            body["tenant"]!["officeDepartmentId"]!.GetValue<string>(), body["adminUserId"]!.GetValue<string>());
        tenant.Admin = await tenant.SignInAsync("admin@" + slug + ".test", "Admin-Password-1");
        return tenant;
    }

    public HttpClient ClientWithToken(string token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}

public sealed class TestTenant(CrmApp app, string id, string slug, string officeId, string adminUserId)
{
    public string Id { get; } = id;
    public string Slug { get; } = slug;
    public string OfficeId { get; } = officeId;
    public string AdminUserId { get; } = adminUserId;
    public HttpClient Admin { get; set; } = null!;

    public async Task<HttpClient> SignInAsync(string login, string password)
    {
        var response = await app.CreateClient().PostAsJsonAsync("/api/v1/auth/token", new { tenant = Slug, login, password });
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var tokens = await response.Content.ReadFromJsonAsync<JsonElement>();
        return app.ClientWithToken(tokens.GetProperty("accessToken").GetString()!);
    }

    /// <summary>A non-admin user, signed in.</summary>
    public async Task<(string Id, HttpClient Client)> NewStaffAsync(string? departmentId = null, string? superiorId = null)
    {
        var login = "u" + Guid.NewGuid().ToString("N")[..8] + "@staff.test";
        var response = await Admin.PostAsJsonAsync("/api/v1/users", new { login, password = "Staff-Password-1", name = "Staff " + login, departmentId, superiorId });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        var user = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (user.GetProperty("id").GetString()!, await SignInAsync(login, "Staff-Password-1"));
    }
}
