using System.Net;
using DevOpsProvider.JiraEmulator;
using DevOpsProvider.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace DevOpsProvider.Tests.JiraEmulator;

public sealed class FaultTests
{
    [Fact]
    public async Task TooManyRequests_AnswersTheNextNCallsWith429AndRetryAfter_ThenRecovers()
    {
        await using var bed = await EmulatorTestBed.StartAsync();
        bed.Site.Faults.FailNext(2, FaultKind.TooManyRequests, retryAfter: TimeSpan.FromSeconds(3));

        for (var i = 0; i < 2; i++)
        {
            var limited = await bed.SubmitAsync(Components.Valid("c-1"));
            Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(3), limited.Headers.RetryAfter?.Delta);
            Assert.True(limited.Headers.Contains("X-RateLimit-Reset"));
        }

        Assert.Empty(bed.Site.Components);
        Assert.Equal(HttpStatusCode.Accepted, (await bed.SubmitAsync(Components.Valid("c-1"))).StatusCode);
        Assert.Equal([429, 429, 202], bed.Emulator.Requests.Select(r => r.Status));
    }

    [Fact]
    public async Task ServiceUnavailable_Answers503WithRetryAfter()
    {
        await using var bed = await EmulatorTestBed.StartAsync();
        bed.Site.Faults.FailNext(1, FaultKind.ServiceUnavailable, retryAfter: TimeSpan.FromSeconds(7));

        var response = await bed.GetAsync("c-1");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.NotFound, (await bed.GetAsync("c-1")).StatusCode);
    }

    [Fact]
    public async Task InternalServerError_Answers500AndStoresNothing()
    {
        await using var bed = await EmulatorTestBed.StartAsync();
        bed.Site.Faults.FailNext(1, FaultKind.InternalServerError);

        Assert.Equal(HttpStatusCode.InternalServerError, (await bed.SubmitAsync(Components.Valid("c-1"))).StatusCode);
        Assert.Empty(bed.Site.Components);
    }

    [Fact]
    public async Task Unauthorized_Answers401EvenForACorrectToken()
    {
        await using var bed = await EmulatorTestBed.StartAsync();
        bed.Site.Faults.FailNext(1, FaultKind.Unauthorized);

        Assert.Equal(HttpStatusCode.Unauthorized, (await bed.SubmitAsync(Components.Valid("c-1"))).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await bed.SubmitAsync(Components.Valid("c-1"))).StatusCode);
    }

    [Fact]
    public async Task DropConnection_AbortsWithoutAnAnswer_AndIsLoggedWithStatus0()
    {
        await using var bed = await EmulatorTestBed.StartAsync();
        bed.Site.Faults.FailNext(1, FaultKind.DropConnection);

        await Assert.ThrowsAsync<HttpRequestException>(() => bed.SubmitAsync(Components.Valid("c-1")));

        Assert.Empty(bed.Site.Components);
        await Wait.UntilAsync(() => bed.Emulator.Requests.Count == 1, "the dropped call is logged");
        Assert.Equal(0, bed.Emulator.Requests[0].Status);
        Assert.Equal(HttpStatusCode.Accepted, (await bed.SubmitAsync(Components.Valid("c-1"))).StatusCode);
    }

    [Fact]
    public async Task Slow_AnswersNormallyOnlyAfterTheDelayHasPassed()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var bed = await EmulatorTestBed.StartAsync(time: time);
        bed.Site.Faults.FailNext(1, FaultKind.Slow, delay: TimeSpan.FromSeconds(20));

        var call = bed.SubmitAsync(Components.Valid("c-1"));
        var advanced = TimeSpan.Zero;
        await Wait.UntilAsync(() =>
        {
            if (call.IsCompleted)
            {
                return true;
            }

            time.Advance(TimeSpan.FromSeconds(1));
            advanced += TimeSpan.FromSeconds(1);
            return false;
        }, "the slow call to finish");

        Assert.Equal(HttpStatusCode.Accepted, (await call).StatusCode);
        Assert.True(advanced >= TimeSpan.FromSeconds(20), $"answered after {advanced} of emulator time");
        Assert.NotNull(bed.Site.GetComponent("c-1"));
    }

    [Fact]
    public async Task RateLimit_AnswersAboveTheRateWith429_AndAllowsAgainAsTimePasses()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var bed = await EmulatorTestBed.StartAsync(time: time);
        bed.Site.Faults.RateLimitPerSecond = 2;

        Assert.Equal(HttpStatusCode.NotFound, (await bed.GetAsync("c-1")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bed.GetAsync("c-1")).StatusCode);
        var limited = await bed.GetAsync("c-1");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), limited.Headers.RetryAfter?.Delta);
        Assert.Equal((time.GetUtcNow() + TimeSpan.FromSeconds(1)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            limited.Headers.GetValues("X-RateLimit-Reset").Single());

        time.Advance(TimeSpan.FromSeconds(0.5));
        Assert.Equal(HttpStatusCode.NotFound, (await bed.GetAsync("c-1")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await bed.GetAsync("c-1")).StatusCode);

        bed.Site.Faults.Clear();
        Assert.Equal(HttpStatusCode.NotFound, (await bed.GetAsync("c-1")).StatusCode);
    }

    [Fact]
    public async Task Faults_AreOffByDefault_AndClearRemovesScriptedOnes()
    {
        await using var bed = await EmulatorTestBed.StartAsync();
        Assert.Null(bed.Site.Faults.RateLimitPerSecond);
        bed.Site.Faults.FailNext(3, FaultKind.InternalServerError);

        bed.Site.Faults.Clear();

        Assert.Equal(HttpStatusCode.Accepted, (await bed.SubmitAsync(Components.Valid("c-1"))).StatusCode);
    }
}
