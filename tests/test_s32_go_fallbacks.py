"""Round 32: Go code that carries on when a call fails (the error discarded or only logged) is read as a
fallback in code at the call, which the analysis asks to confirm first: Online Boutique's frontend renders
its page without ads and recommendations, its checkout completes the order when the mail fails; all three
were launch-blocking SPOFs level with the cart, said only by the generic "calls taken as hard"."""
from __future__ import annotations

from pathlib import Path

import pytest

from prr_app.analysis import analyze
from prr_app.importers.call_policies import go_call_sites, go_client_funcs
from prr_app.importers.registry import import_paths

OB = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "online-boutique-repo"

RPC = """package main

func (fe *frontendServer) getAd(ctx context.Context) ([]*pb.Ad, error) {
	resp, err := pb.NewAdServiceClient(fe.adSvcConn).GetAds(ctx, &pb.AdRequest{})
	return resp.GetAds(), err
}

func (fe *frontendServer) getCart(ctx context.Context, id string) ([]*pb.CartItem, error) {
	resp, err := pb.NewCartServiceClient(fe.cartSvcConn).GetCart(ctx, &pb.GetCartRequest{UserId: id})
	return resp.GetItems(), err
}
"""

HANDLERS = """package main

func (fe *frontendServer) chooseAd(ctx context.Context, log logrus.FieldLogger) *pb.Ad {
	ads, err := fe.getAd(ctx)
	if err != nil {
		log.WithField("error", err).Warn("failed to retrieve ads")
		return nil
	}
	return ads[0]
}

func (fe *frontendServer) cartHandler(w http.ResponseWriter, r *http.Request) {
	cart, err := fe.getCart(r.Context(), sessionID(r))
	if err != nil {
		renderHTTPError(log, r, w, errors.Wrap(err, "could not retrieve cart"), http.StatusInternalServerError)
		return
	}
	if err := fe.getCartAgain(); err != nil {
		log.Warn("x")
	}
	_ = cart
}

func (fe *frontendServer) cartTotal(ctx context.Context) (int, error) {
	items, err := fe.getCart(ctx, "me")
	if err != nil {
		log.Warn("no cart")
		return 0, err
	}
	return len(items), nil
}
"""


def test_functions_that_make_a_client_and_how_each_call_of_them_is_handled():
    funcs = go_client_funcs(RPC, "rpc.go")
    assert funcs == {"getAd": {"AdService"}, "getCart": {"CartService"}}
    sites = go_call_sites(HANDLERS, "handlers.go", set(funcs))
    assert sites == [("getAd", "handlers.go:4", True),  # logged, and a page without its ad
                     ("getCart", "handlers.go:13", False),  # an HTTP error: the request ends
                     ("getCart", "handlers.go:25", False)]  # the error handed up


@pytest.mark.skipif(not OB.is_dir(), reason="needs ../shared/realdata")
def test_online_boutique_calls_its_code_goes_on_without_are_asked_to_confirm_first():
    review = import_paths([OB]).review
    shielded = {"checkoutservice->emailservice", "frontend->adservice", "frontend->recommendationservice"}
    for did in shielded:
        assert any("goes on when" in e and "fallback in code" in e for e in review.dependencies[did].evidence), did
    a = analyze(review).to_dict()
    hard = next(x for x in a["assumptions"] if x["id"] == "hard-inferred")
    assert set(hard["shielded"]) == shielded
    # the calls whose failure ends the request are not among them
    assert not any("goes on when" in e for e in review.dependencies["frontend->cartservice"].evidence)
