using System.Net;
using System.Net.Http.Json;
using Crm.ApiTests.Infrastructure;
using Crm.Storage.Events;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.ApiTests;

/// <summary>Writes reach the change feed, once each, also when dispatched or published again.</summary>
public sealed class ChangeFeedTests(CrmApp app) : IClassFixture<CrmApp>
{
    [Fact]
    public async Task EveryCreateAppearsInTheFeedOnce()
    {
        var tenant = await app.NewTenantAsync();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await (await tenant.Admin.PostAsJsonAsync("/api/v1/departments", new { name = $"Feed {i}" })).ExpectAsync(HttpStatusCode.Created)).Id());
        }
        var dispatcher = app.Services.GetRequiredService<OutboxDispatcher>();
        var feed = app.Services.GetRequiredService<EventFeed>();
        async Task<List<ChangeEvent>> ReadAllAsync() => [.. (await feed.ReadAsync(tenant.Id, null, null, 500, null, CancellationToken.None)).Items];

        var events = new List<ChangeEvent>();
        for (var wait = 0; wait < 100 && !ids.All(id => events.Any(e => e.Data.RecordId == id)); wait++)
        {
            await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => dispatcher.DispatchAsync(tenant.Id, CancellationToken.None)));
            events = await ReadAllAsync();
            await Task.Delay(100);
        }
        Assert.All(ids, id => Assert.Single(events, e => e.Type == "crm.department.created" && e.Data.RecordId == id));

        // Publishing events that are already in the feed adds nothing.
        // (in calls of at most 49, the feed's batch limit: provisioning alone writes more than that)
        foreach (var chunk in events.Chunk(40))
        {
            await feed.PublishAsync(tenant.Id, chunk, CancellationToken.None);
        }
        await feed.PublishAsync(tenant.Id, events.Take(2).ToList(), CancellationToken.None);
        var again = await ReadAllAsync();
        Assert.Equal(events.Select(e => e.Id), again.Select(e => e.Id));
    }
}
