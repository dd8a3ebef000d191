using System.Net;
using System.Net.Http.Json;
using Crm.ApiTests.Access;
using Crm.ApiTests.Infrastructure;

namespace Crm.ApiTests.Collaboration;

public sealed class MessageApiTests(CrmApp app) : IClassFixture<CrmApp>
{
    [Fact]
    public async Task ThreadsRepliesAndUnreadCountsBelongToTheirParticipants()
    {
        var tenant = await app.NewTenantAsync();
        var (aliceId, alice) = await tenant.NewMemberAsync(null, null);
        var (bobId, bob) = await tenant.NewMemberAsync(null, null);
        var (_, carol) = await tenant.NewMemberAsync(null, null);

        var started = await alice.PostJsonAsync("/api/v1/message-threads",
            new { subject = "Quarter close", recipientIds = new[] { bobId, tenant.AdminUserId }, body = "Numbers by Friday, please." }, HttpStatusCode.Created);
        var threadId = started.GetProperty("thread").Id();
        Assert.Equal([aliceId, bobId, tenant.AdminUserId], started.GetProperty("thread").GetProperty("participantIds").EnumerateArray().Select(p => p.GetString()));

        var bobUnread = await bob.GetJsonAsync("/api/v1/message-threads/unread");
        Assert.Equal(1, bobUnread.GetProperty("threads").GetInt32());
        Assert.Equal(1, bobUnread.GetProperty("messages").GetInt32());
        Assert.Equal(0, (await alice.GetJsonAsync("/api/v1/message-threads/unread")).GetProperty("messages").GetInt32());
        var entry = Assert.Single((await bob.GetJsonAsync("/api/v1/message-threads")).Items());
        Assert.Equal("Quarter close", entry.Str("subject"));
        Assert.Equal(1, entry.GetProperty("unread").GetInt32());
        Assert.Contains((await bob.GetJsonAsync("/api/v1/notifications")).Items(), n => n.Str("kind") == "message.received" && n.Str("recordId") == threadId);

        // Two replies: Bob's count grows by one only for Alice's; his own reply counts for the others.
        await alice.PostJsonAsync($"/api/v1/message-threads/{threadId}/messages", new { body = "And the receipts list." }, HttpStatusCode.Created);
        await bob.PostJsonAsync($"/api/v1/message-threads/{threadId}/messages", new { body = "On it." }, HttpStatusCode.Created);
        Assert.Equal(0, (await bob.GetJsonAsync("/api/v1/message-threads/unread")).GetProperty("messages").GetInt32());
        Assert.Equal(1, (await alice.GetJsonAsync("/api/v1/message-threads/unread")).GetProperty("messages").GetInt32());
        Assert.Equal(3, (await tenant.Admin.GetJsonAsync("/api/v1/message-threads/unread")).GetProperty("messages").GetInt32());

        var messages = (await tenant.Admin.GetJsonAsync($"/api/v1/message-threads/{threadId}/messages")).Items();
        Assert.Equal(["Numbers by Friday, please.", "And the receipts list.", "On it."], messages.Select(m => m.Str("body")));

        var read = await tenant.Admin.PostJsonAsync($"/api/v1/message-threads/{threadId}/read", new { }, HttpStatusCode.OK);
        Assert.Equal(0, read.GetProperty("unread").GetInt32());
        Assert.Equal(0, (await tenant.Admin.GetJsonAsync("/api/v1/message-threads/unread")).GetProperty("threads").GetInt32());
        await tenant.Admin.PostJsonAsync($"/api/v1/message-threads/{threadId}/read", new { }, HttpStatusCode.OK);

        // Someone not in the thread, whatever their role, cannot tell it exists.
        await (await carol.GetAsync($"/api/v1/message-threads/{threadId}/messages")).ExpectProblemAsync(HttpStatusCode.NotFound, "messageThread.not_found");
        await (await carol.PostAsJsonAsync($"/api/v1/message-threads/{threadId}/messages", new { body = "Hi" })).ExpectProblemAsync(HttpStatusCode.NotFound, "messageThread.not_found");
        await (await carol.PostAsJsonAsync($"/api/v1/message-threads/{threadId}/read", new { })).ExpectProblemAsync(HttpStatusCode.NotFound, "messageThread.not_found");
        Assert.Empty((await carol.GetJsonAsync("/api/v1/message-threads")).Items());
    }

    [Fact]
    public async Task BadMessagesAreRefusedAndChangeNothing()
    {
        var tenant = await app.NewTenantAsync();
        var (bobId, bob) = await tenant.NewMemberAsync(null, null);
        var other = await app.NewTenantAsync();

        await (await tenant.Admin.PostAsJsonAsync("/api/v1/message-threads", new { subject = "x", recipientIds = new[] { other.AdminUserId }, body = "Hello" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "message.recipient_unknown");
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/message-threads", new { subject = "x", recipientIds = new[] { tenant.AdminUserId }, body = "Hello" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/message-threads", new { subject = " ", recipientIds = new[] { bobId }, body = "Hello" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/message-threads", new { subject = "x", recipientIds = new[] { bobId } }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Empty((await bob.GetJsonAsync("/api/v1/message-threads")).Items());
        Assert.Empty((await tenant.Admin.GetJsonAsync("/api/v1/message-threads")).Items());

        var started = await tenant.Admin.PostJsonAsync("/api/v1/message-threads", new { subject = "ok", recipientIds = new[] { bobId }, body = "Hello" }, HttpStatusCode.Created);
        var threadId = started.GetProperty("thread").Id();
        await (await bob.PostAsJsonAsync($"/api/v1/message-threads/{threadId}/messages", new { body = "" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Single((await bob.GetJsonAsync($"/api/v1/message-threads/{threadId}/messages")).Items());
        await (await bob.GetAsync("/api/v1/message-threads/nope/messages")).ExpectProblemAsync(HttpStatusCode.NotFound, "messageThread.not_found");
    }
}
