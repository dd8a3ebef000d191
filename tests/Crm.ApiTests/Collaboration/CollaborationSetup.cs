using System.Net;
using System.Text.Json;
using Crm.ApiTests.Access;
using Crm.ApiTests.Infrastructure;
using Crm.Domain.Access;
using Microsoft.Extensions.DependencyInjection;
using Crm.Storage.Triggers;

namespace Crm.ApiTests.Collaboration;

public static class CollaborationSetup
{
    public static readonly string[] TaskRights = ["tasks.view", "tasks.create", "tasks.edit", "tasks.delete"];

    /// <summary>A member whose role reaches only their own records (and those whose team they sit on).</summary>
    public static async Task<(string Id, HttpClient Client)> NewColleagueAsync(this CrmApp app, TestTenant tenant, params string[] more)
    {
        var role = await app.CreateRoleAsync(tenant, DataScope.Self, [.. TaskRights, .. more]);
        return await tenant.NewMemberAsync(null, null, role);
    }

    public static Task<JsonElement> CreateTaskAsync(this HttpClient client, object body) =>
        client.PostJsonAsync("/api/v1/tasks", body, HttpStatusCode.Created);

    public static async Task<IReadOnlyList<string>> ViewAsync(this HttpClient client, string view) =>
        (await client.GetJsonAsync($"/api/v1/tasks/mine?view={view}")).Ids();

    public static async Task<IReadOnlyList<JsonElement>> NoticesAsync(this HttpClient client, string kind) =>
        (await client.ListAllAsync("/api/v1/notifications")).Where(n => n.Str("kind") == kind).ToList();

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    /// <summary>A timer job as the scheduler runs it, at a time the test chooses.</summary>
    public static Task RunJobAsync<TJob>(this CrmApp app, string name, DateTimeOffset at) where TJob : ITimerJob =>
        ActivatorUtilities.CreateInstance<TJob>(app.Services, new FixedClock(at))
            .RunAsync(new TimerJobContext(name, at, null, false), CancellationToken.None);
}
